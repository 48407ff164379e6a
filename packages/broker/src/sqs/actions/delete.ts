import { sqsErrors } from '../../errors.js';
import { fairDeleted } from '../fair.js';
import { messageChanged } from '../fifo.js';
import { type Input, requiredString } from '../params.js';
import type { Queue } from '../queue-registry.js';
import { decodeReceipt } from '../receipt.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';
import { batchEntries, batchFailure } from './batch.js';

/**
 * Deletes the message a receipt handle points at, inside the caller's write. As on SQS, a handle from
 * an older receive (the message was received again since) or of an already deleted message succeeds
 * without effect; a handle that is not one of this queue's is `ReceiptHandleIsInvalid`.
 */
function deleteByHandle(state: SqsState, queue: Queue, handle: string): void {
  const receipt = decodeReceipt(handle);
  if (receipt.queueId !== queue.id) throw sqsErrors.receiptHandleIsInvalid(handle);
  const row = state.store.messages.get(queue.id, receipt.seq);
  if (row && row.receipt === receipt.token) {
    state.store.messages.delete(row.seq);
    messageChanged(state, queue, row);
    fairDeleted(state, queue, row);
  }
}

/** DeleteMessage. */
export async function deleteMessage(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const handle = requiredString(input, 'ReceiptHandle');
  await state.store.write(() => deleteByHandle(state, queue, handle));
  return {};
}

/** DeleteMessageBatch: up to 10 deletes, each succeeding or failing on its own, in one commit. */
export async function deleteMessageBatch(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry');
  return state.store.write(() => {
    const successful = [];
    const failed = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        deleteByHandle(state, queue, requiredString(entry, 'ReceiptHandle'));
        successful.push({ Id: id });
      } catch (error) {
        failed.push(batchFailure(id, error));
      }
    }
    return { Successful: successful, Failed: failed };
  });
}
