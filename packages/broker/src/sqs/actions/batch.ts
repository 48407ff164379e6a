import { AwsError, sqsErrors } from '../../errors.js';
import { type Input, objectList } from '../params.js';
import type { BatchResultErrorEntry } from '../types.js';

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** At most this many entries per batch request. */
export const MAX_BATCH_ENTRIES = 10;

/**
 * The entries of a batch request, checked as SQS checks them before looking at any entry: present,
 * at most 10, ids valid and distinct.
 */
export function batchEntries(input: Input, field: string): Input[] {
  const entries = objectList(input, 'Entries');
  if (entries.length === 0) throw sqsErrors.emptyBatch(field);
  if (entries.length > MAX_BATCH_ENTRIES) throw sqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) throw sqsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw sqsErrors.batchIdsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

/** A batch entry's failure, from the error its single-message action threw. */
export function batchFailure(id: string, error: unknown): BatchResultErrorEntry {
  if (error instanceof AwsError) {
    return { Id: id, SenderFault: error.fault === 'Sender', Code: error.code, Message: error.message };
  }
  throw error;
}

/**
 * A batch action's answer as SQS gives it: `Successful` and `Failed` each present only when it has an
 * entry. Over the Query protocol an empty list has no XML form at all; over JSON AWS omits it too (a
 * batch whose entries all fail has no `Successful`, one whose entries all succeed no `Failed`), so
 * clients written against SQS already read both as optional.
 */
export function batchResult<S>(
  successful: S[],
  failed: BatchResultErrorEntry[],
): { Successful?: S[]; Failed?: BatchResultErrorEntry[] } {
  const out: { Successful?: S[]; Failed?: BatchResultErrorEntry[] } = {};
  if (successful.length > 0) out.Successful = successful;
  if (failed.length > 0) out.Failed = failed;
  return out;
}
