import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Clock, heldClock } from '../clock.js';
import { Batcher, resultsById } from '../publish/batcher.js';
import { PublishEntryError } from '../publish/limits.js';
import { retrying } from './backoff.js';

/** Maximum VisibilityTimeout SQS accepts, in seconds (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Deletes and visibility changes, batched (DeleteMessageBatch / ChangeMessageVisibilityBatch, ≤ 10
 * per call, entries issued in the same event-loop turn together) and retried on transient failures.
 * With `deleteLingerMs` > 0 a delete waits up to that long (real time, whatever `clock`) for others,
 * so that deletes issued over several turns share a call; ten pending go at once, `flush()` sends
 * what waits.
 */
export class Acknowledger {
  private readonly deletes: Batcher<string, undefined>;
  private readonly changes: Batcher<{ handle: string; seconds: number }, undefined>;

  constructor(client: SQSClient, queueUrl: string, clock: Clock, attempts = 8, deleteLingerMs = 0) {
    const retry = <T>(fn: () => Promise<T>) =>
      retrying(fn, { clock, attempts, backoff: { initialMs: 50, maxMs: 2000 } });
    const entryError = (code: string, text: string, sender: boolean) =>
      new PublishEntryError(code, text, sender);
    this.deletes = new Batcher({
      // A window of milliseconds for batching, not a protocol delay: real time even under a test
      // clock, and a timer that keeps the process up until the deletes are sent.
      clock: deleteLingerMs > 0 ? heldClock : clock,
      lingerMs: deleteLingerMs,
      send: async (handles) => {
        const out = await retry(() =>
          client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })),
            }),
          ),
        );
        return resultsById(handles.length, out.Successful, out.Failed, () => undefined, entryError);
      },
    });
    this.changes = new Batcher({
      clock,
      send: async (entries) => {
        const out = await retry(() =>
          client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: entries.map((e, i) => ({
                Id: String(i),
                ReceiptHandle: e.handle,
                VisibilityTimeout: e.seconds,
              })),
            }),
          ),
        );
        return resultsById(entries.length, out.Successful, out.Failed, () => undefined, entryError);
      },
    });
  }

  /** Deletes a message (batched). */
  delete(receiptHandle: string): Promise<void> {
    return this.deletes.add(receiptHandle);
  }

  /** Sets a message's visibility timeout to `seconds` from now (batched; clamped to 0..43,200). */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const clamped = Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds)));
    return this.changes.add({ handle: receiptHandle, seconds: clamped });
  }

  /** Sends what is queued and waits for every call under way. */
  async flush(): Promise<void> {
    await Promise.all([this.deletes.flush(), this.changes.flush()]);
  }
}
