import { sqsErrors } from '../../errors.js';
import { fairDeleted } from '../fair.js';
import { refreshGroup } from '../fifo.js';
import { type Input, requiredString } from '../params.js';
import type { Queue } from '../queue-registry.js';
import { decodeReceipt, type Receipt } from '../receipt.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';
import { batchEntries, batchFailure } from './batch.js';

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
 * Deletes the messages the receipts point at, inside the caller's write, in one statement. As on SQS,
 * a receipt from an older receive (the message was received again since) or of an already deleted
 * message succeeds without effect.
 */
function deleteReceipts(state: SqsState, queue: Queue, receipts: readonly Receipt[]): void {
  const groups = new Set<string>();
  for (const deleted of state.store.messages.deleteIfCurrent(queue.id, receipts)) {
    if (queue.fifo && deleted.group_id !== null) groups.add(deleted.group_id);
    fairDeleted(state, queue, deleted);
  }
  // a FIFO group's state is read again once, however many of its messages went
  for (const group of groups) refreshGroup(state, queue.id, group);
}

/** DeleteMessage. */
export async function deleteMessage(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const handle = requiredString(input, 'ReceiptHandle');
  const receipt = receiptOf(queue, handle);
  await state.store.write(() => deleteReceipts(state, queue, [receipt]));
  return {};
}

/** DeleteMessageBatch: up to 10 deletes, each succeeding or failing on its own, in one commit. */
export async function deleteMessageBatch(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry');
  const successful = [];
  const failed = [];
  const receipts: Receipt[] = [];
  for (const entry of entries) {
    const id = entry.Id as string;
    try {
      receipts.push(receiptOf(queue, requiredString(entry, 'ReceiptHandle')));
      successful.push({ Id: id });
    } catch (error) {
      failed.push(batchFailure(id, error));
    }
  }
  await state.store.write(() => deleteReceipts(state, queue, receipts));
  return { Successful: successful, Failed: failed };
}
