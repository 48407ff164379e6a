import { snsErrors } from '../../errors.js';
import { jsonObject } from '../validation.js';

/**
 * The two archive policies, checked as SNS checks them (`InvalidParameter`, naming the attribute and
 * the member):
 *
 * - a FIFO topic's `ArchivePolicy`: `{"MessageRetentionPeriod": "<days>"}`, 1 to 365 days (a string or
 *   a number); `{}` (or an empty value) turns archiving off;
 * - a subscription's `ReplayPolicy`: `{"PointType": "Timestamp", "StartingPoint": "<ISO 8601>",
 *   "EndingPoint": "<ISO 8601>"}` (EndingPoint optional), within the topic's archive.
 */

/** The longest retention, in days. */
export const MAX_RETENTION_DAYS = 365;
export const DAY_MS = 86_400_000;

/** Attribute keys the broker keeps next to the settable ones and never reports (they start with `_`). */
export const ARCHIVE_SINCE = '_archiveSince';

/** Whether an attribute is one of the broker's own bookkeeping keys (hidden from Get*Attributes). */
export const isInternalAttribute = (name: string): boolean => name.startsWith('_');

/**
 * A topic's `ArchivePolicy`: its retention in days, or `undefined` when the policy turns archiving off
 * (`{}`). Refused on a standard topic.
 */
export function archiveRetentionDays(value: string, fifo: boolean): number | undefined {
  if (!fifo)
    throw snsErrors.invalidParameter(
      'Attributes Reason: ArchivePolicy: message archiving is only supported for FIFO topics',
    );
  const policy = jsonObject('ArchivePolicy', value);
  const keys = Object.keys(policy);
  if (keys.length === 0) return undefined;
  const unknown = keys.find((k) => k !== 'MessageRetentionPeriod');
  if (unknown !== undefined)
    throw snsErrors.invalidParameter(`ArchivePolicy: unknown member ${unknown.slice(0, 64)}`);
  const raw = policy.MessageRetentionPeriod;
  const days = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
    throw snsErrors.invalidParameter(
      `ArchivePolicy: MessageRetentionPeriod must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, not ${JSON.stringify(raw ?? null).slice(0, 40)}`,
    );
  return days;
}

/** A parsed `ReplayPolicy`: instants in ms since the epoch. */
export interface ReplayRange {
  from: number;
  /** The EndingPoint, if one was given. */
  to?: number;
}

function instant(member: string, raw: unknown): number {
  const at = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at))
    throw snsErrors.invalidParameter(
      `ReplayPolicy: ${member} must be an ISO 8601 timestamp (e.g. 2024-05-01T12:00:00.000Z), not ${JSON.stringify(raw ?? null).slice(0, 64)}`,
    );
  return at;
}

/**
 * Checks a `ReplayPolicy` against the topic's archive at `now`: the topic must be FIFO with an
 * ArchivePolicy, StartingPoint at or after its BeginningArchiveTime and not in the future, EndingPoint
 * (if any) not before StartingPoint.
 */
export function checkReplayPolicy(
  value: string,
  topic: { fifo: boolean; beginning: number | undefined },
  now: number,
): ReplayRange {
  if (!topic.fifo)
    throw snsErrors.invalidParameter(
      'Attributes Reason: ReplayPolicy: message replay is only supported for subscriptions to FIFO topics',
    );
  if (topic.beginning === undefined)
    throw snsErrors.invalidParameter(
      'Attributes Reason: ReplayPolicy: the topic has no ArchivePolicy, so it has no messages to replay',
    );
  const policy = jsonObject('ReplayPolicy', value);
  const unknown = Object.keys(policy).find(
    (k) => k !== 'PointType' && k !== 'StartingPoint' && k !== 'EndingPoint',
  );
  if (unknown !== undefined)
    throw snsErrors.invalidParameter(`ReplayPolicy: unknown member ${unknown.slice(0, 64)}`);
  if (policy.PointType !== 'Timestamp')
    throw snsErrors.invalidParameter(
      `ReplayPolicy: PointType must be Timestamp, not ${JSON.stringify(policy.PointType ?? null).slice(0, 40)}`,
    );
  if (policy.StartingPoint === undefined)
    throw snsErrors.invalidParameter('ReplayPolicy: StartingPoint is required');
  const from = instant('StartingPoint', policy.StartingPoint);
  const to = policy.EndingPoint === undefined ? undefined : instant('EndingPoint', policy.EndingPoint);
  const beginning = new Date(topic.beginning).toISOString();
  if (from < topic.beginning)
    throw snsErrors.invalidParameter(
      `ReplayPolicy: StartingPoint ${new Date(from).toISOString()} is before the topic's BeginningArchiveTime ${beginning}`,
    );
  if (from > now)
    throw snsErrors.invalidParameter(
      `ReplayPolicy: StartingPoint ${new Date(from).toISOString()} is in the future`,
    );
  if (to !== undefined && to < from)
    throw snsErrors.invalidParameter(
      `ReplayPolicy: EndingPoint ${new Date(to).toISOString()} is before StartingPoint ${new Date(from).toISOString()}`,
    );
  return { from, to };
}
