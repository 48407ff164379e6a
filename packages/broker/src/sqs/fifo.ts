import { createHash } from 'node:crypto';
import { sqsErrors } from '../errors.js';
import type { MessageRow, NewMessage } from '../store/index.js';
import type { Queue, QueuePort } from './types.js';

/**
 * FIFO queue semantics: message groups delivered in order, one batch in flight per group at a time;
 * deduplication within a 5-minute window; strictly increasing sequence numbers.
 *
 * Each group has a row in `fifo_groups` whose `ready_at` says when the group can next deliver: the
 * later of its head's visibility and the visibility of every message of the group in flight. Received
 * messages always form a prefix of the group (a receive starts at the head), at most one batch long, so
 * refreshing a group reads at most {@link GROUP_WINDOW} rows.
 */

/** The deduplication and receive-attempt window. */
export const FIFO_WINDOW_MS = 5 * 60_000;
/** A receive takes at most 10 messages, so no more than this many of a group can be in flight. */
const GROUP_WINDOW = 11;

/** Recomputes a group's `ready_at` and head after its messages changed (inside the caller's write). */
export function refreshGroup(state: Pick<QueuePort, 'store'>, queueId: number, groupId: string): void {
  const rows = state.store.fifo.groupState(queueId, groupId, GROUP_WINDOW);
  const head = rows[0];
  if (!head) {
    state.store.fifo.deleteGroup(queueId, groupId);
    return;
  }
  let readyAt = head.visible_at;
  for (const row of rows) if (row.receive_count > 0) readyAt = Math.max(readyAt, row.visible_at);
  state.store.fifo.setGroup(queueId, groupId, readyAt, head.seq);
}

/** After a message of `queue` was deleted, received or had its visibility changed. */
export function messageChanged(
  state: Pick<QueuePort, 'store'>,
  queue: Queue,
  row: Pick<MessageRow, 'group_id'>,
): void {
  if (queue.fifo && row.group_id !== null) refreshGroup(state, queue.id, row.group_id);
}

/**
 * A sequence number: 20 digits, so it increases both as a number and as a string: 10^19 + n, written
 * as `1` and n on 19 digits (no BigInt: `n` is a safe integer, far below 10^19).
 */
export function sequenceNumber(n: number): string {
  return `1${String(n).padStart(19, '0')}`;
}

/**
 * 1–128 characters, each printable ASCII (0x21–0x7E): what `/^[\x21-\x7E]{1,128}$/` says, as a loop,
 * which took a third of the regular expression's time on the ids of a FIFO send (two per message).
 */
function printable128(value: string): boolean {
  const n = value.length;
  if (n < 1 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Checks a MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId: 1–128 printable ASCII. */
export function checkFifoId(name: string, value: string): string {
  if (!printable128(value)) {
    throw sqsErrors.invalidParameterValue(
      `Value ${value.slice(0, 140)} for parameter ${name} is invalid. Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
  return value;
}

/**
 * The FIFO part of a send's validation: a group id is required, per-message delays are refused, and
 * the deduplication id is given or derived from the body (ContentBasedDeduplication).
 */
export function checkFifoSend(
  queue: Queue,
  body: string,
  groupId: string | undefined,
  dedupId: string | undefined,
  delay: number | undefined,
): { groupId: string; dedupId: string } {
  if (groupId === undefined) throw sqsErrors.missingParameter('MessageGroupId');
  if (delay !== undefined && delay !== 0) {
    throw sqsErrors.invalidParameterValue(
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
    );
  }
  if (dedupId === undefined) {
    if (queue.attributes.ContentBasedDeduplication !== 'true') {
      throw sqsErrors.invalidParameterValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
    }
    dedupId = createHash('sha256').update(body, 'utf8').digest('hex');
  }
  return {
    groupId: checkFifoId('MessageGroupId', groupId),
    dedupId: checkFifoId('MessageDeduplicationId', dedupId),
  };
}

/**
 * Stores a FIFO message (inside the caller's write) unless its deduplication id was seen within the
 * window, in which case the original's MessageId and SequenceNumber are returned and nothing is stored.
 * `sequence` is a value of the queue's counter reserved for it (a batch reserves its numbers at once).
 */
export function insertFifo(
  state: Pick<QueuePort, 'store' | 'sweeper'>,
  queue: Queue,
  row: NewMessage & { group_id: string; dedup_id: string },
  now: number,
  sequence: number,
): { messageId: string; sequenceNumber: string } {
  const scope = queue.attributes.DeduplicationScope === 'messageGroup' ? row.group_id : '';
  const seen = state.store.fifo.dedup(queue.id, scope, row.dedup_id, now);
  if (seen) return { messageId: seen.message_id, sequenceNumber: seen.sequence_number ?? '' };
  const seq = sequenceNumber(sequence);
  // the row is the caller's, built for this insert: it takes its number in place
  row.sequence_number = seq;
  const rowid = state.store.messages.insert(row);
  state.store.fifo.putDedup(queue.id, scope, row.dedup_id, {
    message_id: row.message_id,
    sequence_number: seq,
    expires_at: now + FIFO_WINDOW_MS,
  });
  // A message joins its group at the tail, neither head nor in flight: the group's state changes only
  // when the message starts it.
  state.store.fifo.addGroup(queue.id, row.group_id, row.visible_at, rowid);
  state.sweeper.due(now + FIFO_WINDOW_MS);
  return { messageId: row.message_id, sequenceNumber: seq };
}

/**
 * Picks up to `max` messages of a FIFO queue for one receive (inside the caller's write): the groups
 * that can deliver, each from its head, in order, while its messages are visible. `take` decides each
 * message's fate (received, or moved to the dead-letter queue) and returns whether it was received;
 * expired messages are deleted on the way. Each touched group is refreshed.
 *
 * `hiddenUntil` is when the messages taken become visible again. A group whose every message read
 * was taken needs no re-reading: it was ready, so nothing of it was in flight, and now its head is
 * the first message taken and it is ready again when the taken ones are, at `hiddenUntil`.
 */
export function pickFifo(
  state: Pick<QueuePort, 'store'>,
  queue: Queue,
  now: number,
  cutoff: number,
  max: number,
  hiddenUntil: number,
  take: (row: MessageRow) => boolean,
): number {
  let taken = 0;
  const done = new Set<string>();
  // whether a message read was not received (expired, or moved to a dead-letter queue)
  let passed = false;
  while (taken < max) {
    const limit = max + done.size;
    const ready = state.store.fifo.readyGroups(queue.id, now, limit);
    const groups = ready.filter((g) => !done.has(g));
    if (groups.length === 0) break;
    for (const groupId of groups) {
      done.add(groupId);
      let after = -1;
      let head: number | undefined;
      let allTaken = true;
      group: while (taken < max) {
        // A ready group's head is visible, and so (but for a queue delay) is the rest: a receive
        // takes all it can of one group, so read as many as it still wants.
        const wanted = max - taken;
        const rows = state.store.fifo.head(queue.id, groupId, after, wanted);
        for (const row of rows) {
          if (row.visible_at > now) break group;
          after = row.seq;
          head ??= row.seq;
          if (row.sent_at <= cutoff) {
            state.store.messages.delete(row.seq);
            allTaken = false;
          } else if (take(row)) taken++;
          else allTaken = false;
          if (!allTaken) passed = true;
        }
        if (rows.length < wanted) break; // the group has no more
      }
      if (head !== undefined && allTaken) state.store.fifo.setGroup(queue.id, groupId, hiddenUntil, head);
      else refreshGroup(state, queue.id, groupId);
      if (taken >= max) break;
    }
    // Fewer ready groups than asked for: every ready group was served, and serving them made no other
    // group ready, unless a message went elsewhere (its dead-letter queue may be this very queue).
    if (ready.length < limit && !passed) break;
  }
  return taken;
}
