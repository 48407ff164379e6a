import { sqsErrors } from '../../errors.js';
import { messageChanged } from '../fifo.js';
import { type Input, optionalInt, requiredString } from '../params.js';
import { decodeReceipt } from '../receipt.js';
import type { SqsState } from '../state.js';
import type { Queue, RequestContext } from '../types.js';
import { batchEntries, batchFailure, batchResult } from './batch.js';

/** A message stays in flight at most 12 hours after the receive that returned it. */
const MAX_VISIBILITY_S = 43_200;

/**
 * Changes the visibility timeout of the message a receipt handle points at, counted from now, inside
 * the caller's write.
 */
function changeByHandle(state: SqsState, queue: Queue, handle: string, timeout: number | undefined): void {
  if (timeout === undefined) throw sqsErrors.missingParameter('VisibilityTimeout');
  const receipt = decodeReceipt(handle);
  if (receipt.queueId !== queue.id) throw sqsErrors.receiptHandleIsInvalid(handle);
  const row = state.store.messages.get(queue.id, receipt.seq);
  if (!row || row.receipt !== receipt.token) {
    throw sqsErrors.invalidParameterValue(
      `Value ${handle.slice(0, 120)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    );
  }
  const now = state.clock.now();
  // A standard queue takes the change even once the timeout ran out, the handle still being the
  // message's latest: the message is hidden again (AWS answers 200). A FIFO message whose timeout ran
  // out is no longer in flight, and its group may have moved on.
  if (queue.fifo && row.visible_at <= now) throw sqsErrors.messageNotInflight();
  const receivedAt = row.received_at ?? now;
  if (now + timeout * 1000 - receivedAt > MAX_VISIBILITY_S * 1000) {
    throw sqsErrors.invalidParameterValue(
      `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_S} seconds].`,
    );
  }
  state.store.messages.setVisibleAt(row.seq, now + timeout * 1000);
  messageChanged(state, queue, row);
}

/** ChangeMessageVisibility. */
export async function changeMessageVisibility(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const handle = requiredString(input, 'ReceiptHandle');
  const timeout = optionalInt(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_S);
  await state.store.write(() => changeByHandle(state, queue, handle, timeout));
  // waiting receives recompute when the queue next has a message: sooner, if this one was shortened
  state.polls.notify(queue.id);
  return {};
}

/** ChangeMessageVisibilityBatch: up to 10 changes, each succeeding or failing on its own. */
export async function changeMessageVisibilityBatch(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry');
  let changed = false;
  const result = await state.store.write(() => {
    const successful: Array<{ Id: string }> = [];
    const failed = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        const timeout = optionalInt(entry, 'VisibilityTimeout', 0, MAX_VISIBILITY_S);
        changeByHandle(state, queue, requiredString(entry, 'ReceiptHandle'), timeout);
        changed = true;
        successful.push({ Id: id });
      } catch (error) {
        failed.push(batchFailure(id, error));
      }
    }
    return batchResult(successful, failed);
  });
  if (changed) state.polls.notify(queue.id);
  return result;
}
