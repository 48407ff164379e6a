import { sqsErrors } from '../../errors.js';
import { fairDeleted } from '../fair.js';
import { refreshGroup } from '../fifo.js';
import { type Input, requiredString } from '../params.js';
import { decodeReceipt, type Receipt } from '../receipt.js';
import type { SqsState } from '../state.js';
import type { Queue, RequestContext } from '../types.js';
import { batchEntries, batchFailure, batchResult } from './batch.js';

/**
 * The receipt a handle names, checked against the queue: garbage, or a handle of another queue, is
 * `ReceiptHandleIsInvalid`.
 */
function receiptOf(queue: Queue, handle: string): Receipt {
  const receipt = decodeReceipt(handle);
  if (receipt.queueId !== queue.id) throw sqsErrors.receiptHandleIsInvalid(handle);
  return receipt;
}

/**
 * On a FIFO queue a handle is usable only while its receive's visibility timeout runs: once it ran out
 * (and so once the message was received again) SQS refuses it with InvalidParameterValue, "The receipt
 * handle has expired.", where a standard queue deletes the message all the same. A handle of a message
 * already deleted is accepted on both (no effect). Runs inside the caller's write.
 */
function checkNotExpired(state: SqsState, queue: Queue, receipt: Receipt, handle: string, now: number): void {
  if (!queue.fifo) return;
  const row = state.store.messages.get(queue.id, receipt.seq);
  if (row && (row.receipt !== receipt.token || row.visible_at <= now)) {
    throw sqsErrors.invalidParameterValue(
      `Value ${handle.slice(0, 1024)} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    );
  }
}

/**
 * Deletes the messages the receipts point at, inside the caller's write, in one statement. As on SQS,
 * a receipt from an older receive (the message was received again since) or of an already deleted
 * message succeeds without effect. Returns whether a message group lost a message, which may make
 * its next message receivable (FIFO) or change which group is served first (fair queues).
 */
function deleteReceipts(state: SqsState, queue: Queue, receipts: readonly Receipt[]): boolean {
  const groups = new Set<string>();
  let grouped = false;
  for (const deleted of state.store.messages.deleteIfCurrent(queue.id, receipts)) {
    if (deleted.group_id !== null) grouped = true;
    if (queue.fifo && deleted.group_id !== null) groups.add(deleted.group_id);
    fairDeleted(state, queue, deleted);
  }
  // a FIFO group's state is read again once, however many of its messages went
  for (const group of groups) refreshGroup(state, queue.id, group);
  return grouped;
}

/** DeleteMessage. */
export async function deleteMessage(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const handle = requiredString(input, 'ReceiptHandle');
  const receipt = receiptOf(queue, handle);
  const grouped = await state.store.write(() => {
    checkNotExpired(state, queue, receipt, handle, state.clock.now());
    return deleteReceipts(state, queue, [receipt]);
  });
  // the group's next message may be receivable now: waiting receives must not sleep their whole wait
  if (grouped) state.polls.notify(queue.id);
  return {};
}

/** DeleteMessageBatch: up to 10 deletes, each succeeding or failing on its own, in one commit. */
export async function deleteMessageBatch(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry');
  const { successful, failed, grouped } = await state.store.write(() => {
    const now = state.clock.now();
    const successful: Array<{ Id: string }> = [];
    const failed = [];
    const receipts: Receipt[] = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        const handle = requiredString(entry, 'ReceiptHandle');
        const receipt = receiptOf(queue, handle);
        checkNotExpired(state, queue, receipt, handle, now);
        receipts.push(receipt);
        successful.push({ Id: id });
      } catch (error) {
        failed.push(batchFailure(id, error));
      }
    }
    return { successful, failed, grouped: deleteReceipts(state, queue, receipts) };
  });
  if (grouped) state.polls.notify(queue.id);
  return batchResult(successful, failed);
}
