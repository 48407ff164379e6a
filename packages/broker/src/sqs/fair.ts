import type { MessageRow } from '../store/index.js';
import type { Queue, QueuePort } from './types.js';

/**
 * Fair queues: standard queues whose messages carry a MessageGroupId. A receive serves the groups with
 * the fewest messages in flight first (approximately: receives minus deletes), then the least recently
 * served, one message per group per round, so a noisy group's backlog cannot starve the quiet ones.
 * It looks at no more than {@link CANDIDATES} groups, one index lookup each, whatever the backlog; what
 * is left of the batch is filled oldest first.
 */
const CANDIDATES = 100;

/** Records a sent message's group (inside the caller's write). */
export function fairSent(state: Pick<QueuePort, 'store'>, queue: Queue, groupId: string | null): void {
  if (!queue.fifo && groupId !== null) state.store.fair.add(queue.id, groupId);
}

/** Records that a message was deleted (inside the caller's write). */
export function fairDeleted(
  state: Pick<QueuePort, 'store'>,
  queue: Queue,
  row: Pick<MessageRow, 'group_id'>,
): void {
  if (!queue.fifo && row.group_id !== null) state.store.fair.released(queue.id, row.group_id);
}

/**
 * Takes up to `max` messages across the queue's groups, fairly; returns how many were taken. `take`
 * receives a message (or dead-letters it and returns false).
 */
export function pickFair(
  state: Pick<QueuePort, 'store'>,
  queue: Queue,
  now: number,
  cutoff: number,
  max: number,
  seen: ReadonlySet<number>,
  take: (row: MessageRow) => boolean,
): number {
  if (!state.store.fair.any(queue.id)) return 0;
  let taken = 0;
  let live = state.store.fair.candidates(queue.id, CANDIDATES);
  while (taken < max && live.length > 0) {
    const next: string[] = [];
    for (const groupId of live) {
      if (taken >= max) break;
      const row = state.store.fair.oldestReady(queue.id, groupId, now, cutoff);
      if (!row || seen.has(row.seq)) continue;
      next.push(groupId);
      if (take(row)) {
        taken++;
        state.store.fair.served(queue.id, groupId, now);
      }
    }
    live = next;
  }
  return taken;
}
