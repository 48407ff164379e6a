import type { Timer } from '../clock.js';
import { refreshGroup } from './fifo.js';
import type { Queue, QueuePort } from './types.js';

/**
 * Messages sent at or before this instant are gone at `now`: past the queue's retention period, or
 * purged. Receives and counts skip them; the sweeper reclaims their storage.
 */
export function retentionCutoff(queue: Queue, now: number): number {
  return Math.max(
    now - queue.settings.messageRetentionPeriod * 1000,
    queue.lastPurgedAt ?? Number.NEGATIVE_INFINITY,
  );
}

/** Rows deleted per statement, and statements per sweep, so one sweep never holds the loop long. */
const CHUNK = 1000;
const CHUNKS_PER_SWEEP = 20;
/**
 * With more to reclaim, the next sweep waits this many times as long as the last one took, so that
 * reclaiming a large purge or deleted queue takes at most about a quarter of the event loop from
 * requests (sweeps ran back to back, 1 ms apart, for as long as there was anything to reclaim).
 */
const PAUSE_FACTOR = 3;

/**
 * Reclaims storage in the background: deletes messages past their retention period or purged, the
 * messages of deleted queues, and FIFO deduplication entries and receive attempts past their window. (Receives and counts already ignore
 * expired messages; this only frees the space.) It runs on a clock timer armed for the next instant
 * something expires, so an idle broker sets no timer and a test clock's `advance` runs it.
 */
export class Sweeper {
  private timer: Timer | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(private readonly state: Pick<QueuePort, 'store' | 'clock' | 'queues' | 'polls'>) {}

  /** Asks for a sweep at `at` (ms since epoch) at the latest. */
  due(at: number): void {
    if (at >= this.at) return;
    this.timer?.cancel();
    this.at = at;
    this.timer = this.state.clock.setTimeout(() => void this.sweep(), at - this.state.clock.now());
  }

  /** Deletes what has expired now, then arms the timer for the next expiry. */
  async sweep(): Promise<void> {
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    const { state } = this;
    if (state.polls.isClosed) return;
    const now = state.clock.now();
    const writes: Promise<unknown>[] = [];
    // Each chunk is a write of its own. Inside a write's savepoint SQLite keeps the original of every
    // page the write changes, in memory (temp_store = MEMORY), until the savepoint is released: a
    // sweep of 20 chunks in one write took the durable broker's anonymous memory from 81 to 161 MB
    // when each queue's rows were spread over many pages (a fan-out's queues); one chunk per write
    // holds at most one chunk's pages.
    const next = this.reclaim(now, <T>(fn: () => T): T | undefined => {
      let result: T | undefined;
      writes.push(
        state.store.write(() => {
          result = fn();
        }),
      );
      return result;
    });
    await Promise.all(writes);
    if (next < Number.POSITIVE_INFINITY) this.due(Math.max(next, now + 1));
  }

  /**
   * Deletes up to {@link CHUNKS_PER_SWEEP} full chunks, each through `chunk` (which answers undefined
   * when that write failed: the sweep stops there); returns when to sweep next (ms since epoch).
   */
  private reclaim(now: number, chunk: <T>(fn: () => T) => T | undefined): number {
    const { state } = this;
    const started = performance.now();
    let next = Number.POSITIVE_INFINITY;
    // the budget counts full chunks (work that may have more behind it), not queues looked at
    let budget = CHUNKS_PER_SWEEP;
    let more = false;
    for (const queue of state.queues.all()) {
      const cutoff = retentionCutoff(queue, now);
      for (;;) {
        const groups = chunk(() => {
          const groups = state.store.messages.expire(queue.id, cutoff, CHUNK);
          if (queue.fifo) for (const g of new Set(groups)) if (g !== null) refreshGroup(state, queue.id, g);
          return groups;
        });
        if (groups === undefined) return next;
        if (groups.length < CHUNK) break;
        if (--budget <= 0) {
          more = true;
          break;
        }
      }
      const oldest = state.store.messages.oldestSentAt(queue.id);
      if (oldest !== undefined && oldest > cutoff)
        next = Math.min(next, oldest + queue.settings.messageRetentionPeriod * 1000);
      if (budget <= 0) break;
    }
    // deleted queues: their messages, a chunk at a time
    for (const id of state.store.queues.deadQueues()) {
      if (budget <= 0) {
        more = true;
        break;
      }
      for (;;) {
        const reaped = chunk(() => {
          const n = state.store.messages.reap(id, CHUNK);
          if (n < CHUNK) state.store.queues.forgetDead(id);
          return n;
        });
        if (reaped === undefined) return next;
        if (reaped < CHUNK) break;
        if (--budget <= 0) {
          more = true;
          break;
        }
      }
    }
    if (more) next = Math.min(next, now + Math.max(1, (performance.now() - started) * PAUSE_FACTOR));
    return Math.min(next, chunk(() => state.store.fifo.expire(now)) ?? next);
  }
}
