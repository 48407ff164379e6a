import type Database from 'better-sqlite3';
import type { MessageCounts, MessageRow, MessageStore, MoveTaskStore, NewMessage } from '../contract.js';
import type { HeapStore } from '../heap/index.js';
import type { Msg } from '../heap/queue-state.js';
import { MESSAGE_COLUMNS, toMessageRow } from '../message-rows.js';
import type { Recorder } from './ops.js';

/** How many messages a standard queue keeps in the heap; beyond, the rest is on disk only. */
export interface SpillLimits {
  /** Messages of one queue held in memory before new ones go to disk only. Default 10,000. */
  cap: number;
  /** Messages read back from disk at a time, once the queue has room for them. Default 1,000. */
  chunk: number;
}

export const DEFAULT_SPILL: SpillLimits = { cap: 10_000, chunk: 1_000 };

/**
 * A queue's tail messages not yet in SQLite, in seq order: the messages as sent and their seqs, side
 * by side, from `head` on (a row object is built only for those read back).
 */
interface Pending {
  seqs: number[];
  messages: NewMessage[];
  head: number;
}

/** A queue's messages on disk only: every one has a seq above `horizon`. */
interface Tail {
  count: number;
  horizon: number;
  /** The latest send time among them (a purge or retention cut above it hides them all). */
  lastSentAt: number;
  /** The largest seq among them. */
  lastSeq: number;
}

/**
 * The disk-only tail of large standard queues, which keeps the logged engine's memory bounded by the
 * queues' heads rather than their backlogs. Once a standard queue holds {@link SpillLimits.cap}
 * messages in the heap, each new message of it with no group and no delay is written to the log only
 * (journaled, and in SQLite once its window is applied; kept in memory until then) until the tail is
 * empty again: every tail message has a seq above the queue's horizon, and the heap holds every
 * message of the queue at or below it (plus the grouped and delayed ones above it, whose bookkeeping
 * lives in the heap). When the queue has room, the tail's next messages are read back on the main
 * thread: first from SQLite (applied ones, a prefix of the tail since windows apply in order), then
 * those still waiting for their window; and the horizon moves past them. FIFO queues keep everything
 * in the heap.
 */
export class Spill {
  private readonly tails = new Map<number, Tail>();
  /** Seqs deleted from the heap above their queue's horizon, with their queue (see {@link Spill.removed}). */
  private readonly ghosts = new Map<number, number>();
  /**
   * Each queue's tail messages journaled or being written and not yet in SQLite (the log writer
   * applies a window at a time), in seq order: read back from here until SQLite has them.
   */
  private readonly pending = new Map<number, Pending>();
  private readonly load: Database.Statement;
  /** The largest seq whose store is journaled (one above can still be undone). */
  journaled: () => number = () => 0;

  constructor(
    private readonly heap: HeapStore,
    private readonly recorder: Recorder,
    reader: Database.Database,
    private readonly limits: SpillLimits,
  ) {
    // NOT INDEXED: walk the rowid (seq) from the horizon, not the queue's (queue_id, visible_at) index
    this.load = reader
      .prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages NOT INDEXED WHERE seq > ? AND queue_id = ? ORDER BY seq LIMIT ?`,
      )
      .raw(true);
  }

  /** The queue's disk-only tail, if it has one. */
  tail(queueId: number): Tail | undefined {
    const tail = this.tails.get(queueId);
    return tail !== undefined && tail.count > 0 ? tail : undefined;
  }

  /**
   * Writes `message` to the log only, if its queue is spilling or its heap is full; returns its seq,
   * or undefined when the heap is to take it.
   */
  insert(message: NewMessage): number | undefined {
    const q = this.heap.data.state(message.queue_id);
    if (q === undefined || q.fifo || !tailable(message)) return undefined;
    let tail = this.tail(message.queue_id);
    if (tail === undefined) {
      if (q.messages.size < this.limits.cap) return undefined;
      tail = newTail(this.heap.data.lastSeq);
      this.tails.set(message.queue_id, tail);
    }
    const seq = ++this.heap.data.lastSeq;
    const { count, lastSentAt, lastSeq } = tail;
    add(tail, seq, message);
    let pending = this.pending.get(message.queue_id);
    if (pending === undefined) {
      pending = { seqs: [], messages: [], head: 0 };
      this.pending.set(message.queue_id, pending);
    }
    pending.seqs.push(seq);
    pending.messages.push(message);
    const t = tail;
    const p = pending;
    this.heap.data.journal.record(() => {
      t.count = count;
      t.lastSentAt = lastSentAt;
      t.lastSeq = lastSeq;
      p.seqs.pop();
      p.messages.pop();
    });
    this.recorder.putRow(seq, message);
    return seq;
  }

  /** Every message up to `lastSeq` is in SQLite: the pending ones up to it are read back from there. */
  applied(lastSeq: number): void {
    for (const [queueId, p] of this.pending) {
      let n = p.head;
      while (n < p.seqs.length && (p.seqs[n] as number) <= lastSeq) n++;
      if (n === p.seqs.length) this.pending.delete(queueId);
      else if (n > p.head) {
        p.head = n;
        // drop the applied prefix once it is most of the arrays (so each message is copied O(1) times;
        // until then the applied messages are kept: at most 1,024, or as many as still wait)
        if (n > 1024 && n * 2 > p.seqs.length) {
          p.seqs.splice(0, n);
          p.messages.splice(0, n);
          p.head = 0;
        }
      }
    }
  }

  /**
   * Reads the next chunk of the queue's tail back into the heap when the heap has room for it, or
   * whatever its room with `force`. Returns how many messages came back.
   */
  refill(queueId: number, force = false): number {
    const tail = this.tail(queueId);
    if (tail === undefined) return 0;
    const q = this.heap.data.state(queueId);
    if (q === undefined) return 0;
    const room = this.limits.cap - q.messages.size;
    if (!force && room < this.limits.chunk) return 0;
    const want = Math.max(room, this.limits.chunk);
    const rows = (this.load.all(tail.horizon, queueId, want) as unknown[][]).map(toMessageRow);
    // then those SQLite does not have yet (journaled ones only: a later one may still be undone)
    const journaled = this.journaled();
    const pending = this.pending.get(queueId);
    if (pending !== undefined) {
      const after = rows.at(-1)?.seq ?? tail.horizon;
      for (let i = pending.head; i < pending.seqs.length && rows.length < want; i++) {
        const seq = pending.seqs[i] as number;
        if (seq > journaled) break;
        if (seq > after) rows.push(pendingRow(seq, pending.messages[i] as NewMessage));
      }
    }
    // what comes back is journaled already: it stays in the heap whatever becomes of the write under way
    this.heap.data.journal.untracked(() => {
      for (const row of rows) {
        tail.horizon = row.seq;
        // in the heap already (a grouped or delayed one), or deleted there and not yet on disk
        if (this.heap.data.bySeq.has(row.seq) || this.ghosts.has(row.seq)) continue;
        this.heap.data.restore(row);
        tail.count--;
      }
    });
    // a ghost at or below the horizon can no longer be read back
    for (const [seq, ghostQueue] of this.ghosts) {
      const ghostTail = this.tails.get(ghostQueue);
      if (ghostTail === undefined || seq <= ghostTail.horizon) this.ghosts.delete(seq);
    }
    return rows.length;
  }

  /**
   * A message left the heap. One above its queue's horizon (a grouped or delayed message sent while
   * the queue had a tail) is still in SQLite until its delete is applied: remembered until the horizon
   * passes it, so that reading the tail back does not bring it back.
   */
  removed(m: Msg): void {
    const tail = this.tail(m.queue_id);
    if (tail === undefined || m.seq <= tail.horizon) return;
    this.ghosts.set(m.seq, m.queue_id);
  }

  /** Deletes the queue's disk-only tail, in the log (a deleted queue's reap, a purge). */
  dropTail(queueId: number): void {
    const tail = this.tail(queueId);
    if (tail === undefined) return;
    const count = tail.count;
    const pending = this.pending.get(queueId);
    tail.count = 0;
    this.pending.delete(queueId);
    this.heap.data.journal.record(() => {
      tail.count = count;
      if (pending) this.pending.set(queueId, pending);
    });
    this.recorder.droppedTail(queueId, tail.horizon);
  }

  /** At start: `row` stays on disk if its queue's heap is full (rows come in seq order). */
  keepsOnDisk(row: MessageRow): boolean {
    const q = this.heap.data.state(row.queue_id);
    if (q === undefined || q.fifo || !tailable(row) || row.receive_count > 0) return false;
    let tail = this.tail(row.queue_id);
    if (tail === undefined) {
      if (q.messages.size < this.limits.cap) return false;
      tail = newTail(row.seq - 1);
      this.tails.set(row.queue_id, tail);
    }
    add(tail, row.seq, row);
    if (row.seq > this.heap.data.lastSeq) this.heap.data.lastSeq = row.seq;
    return true;
  }
}

/** A tail message waiting for its window, as the row SQLite will hold: sent, never received. */
function pendingRow(seq: number, m: NewMessage): MessageRow {
  return {
    seq,
    queue_id: m.queue_id,
    message_id: m.message_id,
    body: m.body,
    attributes: m.attributes,
    md5_body: m.md5_body,
    md5_attributes: m.md5_attributes,
    sent_at: m.sent_at,
    visible_at: m.visible_at,
    receive_count: 0,
    first_received_at: null,
    received_at: null,
    receipt: null,
    sender_id: m.sender_id,
    trace_header: m.trace_header,
    group_id: m.group_id,
    dedup_id: m.dedup_id,
    sequence_number: m.sequence_number,
    dead_letter_source_arn: m.dead_letter_source_arn,
  };
}

function newTail(horizon: number): Tail {
  return { count: 0, horizon, lastSentAt: 0, lastSeq: 0 };
}

function add(tail: Tail, seq: number, m: NewMessage): void {
  tail.count++;
  tail.lastSeq = seq;
  tail.lastSentAt = Math.max(tail.lastSentAt, m.sent_at);
}

/** Whether a message may wait on disk only: no group, no delay, never received. */
function tailable(m: Pick<MessageRow, 'group_id' | 'visible_at' | 'sent_at'>): boolean {
  return m.group_id === null && m.visible_at <= m.sent_at;
}

/** The heap engine's messages, with the disk-only tails of {@link Spill} counted and read back. */
export function spillingMessages(inner: MessageStore, spill: Spill): MessageStore {
  return {
    tally: inner.tally,
    insert(message) {
      const seq = spill.insert(message);
      if (seq === undefined) return inner.insert(message);
      inner.tally.inserted++;
      return seq;
    },
    insertMany(messages) {
      for (const m of messages) this.insert(m);
    },
    anyReady(queueId, now, cutoff) {
      spill.refill(queueId);
      if (inner.anyReady(queueId, now, cutoff)) return true;
      // the head is all in flight or delayed: the tail's next messages are receivable
      return (
        spill.tail(queueId) !== undefined &&
        spill.refill(queueId, true) > 0 &&
        inner.anyReady(queueId, now, cutoff)
      );
    },
    deleteIfCurrent: (queueId, receipts) => inner.deleteIfCurrent(queueId, receipts),
    ready(queueId, now, cutoff, limit) {
      spill.refill(queueId);
      const rows = inner.ready(queueId, now, cutoff, limit);
      if (rows.length >= limit || spill.tail(queueId) === undefined || spill.refill(queueId, true) === 0)
        return rows;
      return inner.ready(queueId, now, cutoff, limit);
    },
    markReceived: (seq, now, visibleAt, receipt) => inner.markReceived(seq, now, visibleAt, receipt),
    get: (queueId, seq) => inner.get(queueId, seq),
    delete: (seq) => inner.delete(seq),
    setVisibleAt: (seq, visibleAt) => inner.setVisibleAt(seq, visibleAt),
    nextVisibleAt(queueId, now) {
      spill.refill(queueId);
      return inner.nextVisibleAt(queueId, now);
    },
    counts(queueId, now, cutoff): MessageCounts {
      const counts = inner.counts(queueId, now, cutoff);
      const tail = spill.tail(queueId);
      // a tail's messages were sent with no delay and never received: visible (approximately: one
      // whose retention ended is counted until it is read back and expired)
      if (tail !== undefined && tail.lastSentAt > cutoff) counts.visible += tail.count;
      return counts;
    },
    reap(queueId, limit) {
      spill.dropTail(queueId);
      return inner.reap(queueId, limit);
    },
    expire(queueId, cutoff, limit) {
      const tail = spill.tail(queueId);
      // the whole tail is cut (a purge, or a retention period ending past every message): delete it
      // on disk; else read it back as the head goes
      if (tail !== undefined && tail.lastSentAt <= cutoff) spill.dropTail(queueId);
      else spill.refill(queueId);
      return inner.expire(queueId, cutoff, limit);
    },
    oldestSentAt(queueId) {
      spill.refill(queueId);
      return inner.oldestSentAt(queueId);
    },
  };
}

/** The heap engine's move tasks, with the disk-only tails of {@link Spill} counted and read back. */
export function spillingMoveTasks(inner: MoveTaskStore, spill: Spill): MoveTaskStore {
  return {
    insert: (task) => inner.insert(task),
    get: (taskId) => inner.get(taskId),
    bySource: (sourceArn, limit) => inner.bySource(sourceArn, limit),
    active: () => inner.active(),
    update: (taskId, status, moved, failureReason) => inner.update(taskId, status, moved, failureReason),
    snapshot(queueId, cutoff) {
      const snap = inner.snapshot(queueId, cutoff);
      const tail = spill.tail(queueId);
      if (tail === undefined || tail.lastSentAt <= cutoff) return snap;
      return { count: snap.count + tail.count, maxSeq: Math.max(snap.maxSeq, tail.lastSeq) };
    },
    page(queueId, afterSeq, maxSeq, limit) {
      spill.refill(queueId);
      const rows = inner.page(queueId, afterSeq, maxSeq, limit);
      const tail = spill.tail(queueId);
      if (rows.length > 0 || tail === undefined || tail.horizon >= maxSeq) return rows;
      spill.refill(queueId, true);
      return inner.page(queueId, afterSeq, maxSeq, limit);
    },
    anyLeft(queueId, maxSeq, cutoff) {
      if (inner.anyLeft(queueId, maxSeq, cutoff)) return true;
      const tail = spill.tail(queueId);
      if (tail === undefined || tail.horizon >= maxSeq) return false;
      spill.refill(queueId, true);
      return inner.anyLeft(queueId, maxSeq, cutoff);
    },
  };
}
