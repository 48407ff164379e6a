import type { SqsRecord } from './event.js';
import type { Invocation } from './invoke.js';

/** Which records of a batch are deleted and which are left for a retry, and why. */
export interface BatchOutcome {
  /** Records to delete. */
  succeeded: SqsRecord[];
  /** Records left on the queue (they come back after their visibility timeout). */
  failed: SqsRecord[];
  /** Why the batch (or part of it) failed; undefined when it all succeeded. */
  reason?: string;
}

/**
 * Lambda's reading of an invocation of an SQS batch:
 * - an error or a timeout fails the whole batch;
 * - with `reportBatchItemFailures`, a returned `{ batchItemFailures: [{ itemIdentifier }] }` fails
 *   exactly those messages (an identifier that is empty or not in the batch fails the whole batch;
 *   an empty list, `null` or no list succeeds all); without it any return succeeds all;
 * - on FIFO queues, a failed record also fails every later record of its message group (their order
 *   is kept), as Lambda requires.
 */
export function readOutcome(
  records: SqsRecord[],
  invocation: Invocation,
  reportBatchItemFailures: boolean,
  fifo: boolean,
): BatchOutcome {
  if (invocation.kind === 'timeout')
    return { succeeded: [], failed: records, reason: `function timed out after ${invocation.timeoutMs} ms` };
  if (invocation.kind === 'error')
    return { succeeded: [], failed: records, reason: `function error: ${describe(invocation.error)}` };
  if (!reportBatchItemFailures) return { succeeded: records, failed: [] };
  const value = invocation.value as { batchItemFailures?: unknown } | null | undefined;
  const list = value?.batchItemFailures;
  if (list === undefined || list === null) return { succeeded: records, failed: [] };
  if (!Array.isArray(list))
    return {
      succeeded: [],
      failed: records,
      reason: 'batchItemFailures is not a list: the whole batch fails',
    };
  const ids = new Set(records.map((r) => r.messageId));
  const failedIds = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id))
      return {
        succeeded: [],
        failed: records,
        reason: `batchItemFailures names ${JSON.stringify(id)}, not a message of the batch: the whole batch fails`,
      };
    failedIds.add(id);
  }
  if (fifo) {
    const stopped = new Set<string>();
    for (const record of records) {
      const group = record.attributes.MessageGroupId ?? '';
      if (stopped.has(group)) failedIds.add(record.messageId);
      else if (failedIds.has(record.messageId)) stopped.add(group);
    }
  }
  const failed = records.filter((r) => failedIds.has(r.messageId));
  return {
    succeeded: records.filter((r) => !failedIds.has(r.messageId)),
    failed,
    ...(failed.length > 0
      ? { reason: `${failed.length} of ${records.length} messages reported as failed` }
      : {}),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
