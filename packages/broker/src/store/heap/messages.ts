import type { MessageCounts, MessageRow, MessageStore, NewMessage } from '../contract.js';
import type { Journal } from './journal.js';
import { Msg, type QueueState } from './queue-state.js';
import { SeqIndex } from './seq-index.js';

/**
 * Told every change to a stored message as it is made (the logged engine writes them to its log):
 * a message stored, deleted, or its delivery fields changed (see {@link HeapData.change}). An undone
 * write is not told again: the observer drops what it recorded for a write that failed.
 */
export interface MessageObserver {
  put(m: Msg): void;
  removed(m: Msg): void;
  changed(m: Msg): void;
}

/** What the heap engine's tables share: the queues' states, every message by seq, the undo log. */
export class HeapData {
  readonly states = new Map<number, QueueState>();
  readonly bySeq = new SeqIndex();
  lastSeq = 0;

  constructor(
    readonly journal: Journal,
    private readonly observer?: MessageObserver,
  ) {}

  /** The state of queue `id` (a queue the store knows, deleted or not). */
  state(id: number): QueueState | undefined {
    return this.states.get(id);
  }

  /** Stores a new message; returns its seq. */
  insert(message: NewMessage): number {
    const m = this.put(message);
    this.journal.record(() => this.forget(m));
    this.observer?.put(m);
    return m.seq;
  }

  /** Stores new messages in order, with one undo record for them all (not one a message). */
  insertAll(messages: readonly NewMessage[]): void {
    if (messages.length === 1) {
      this.insert(messages[0] as NewMessage);
      return;
    }
    const stored: Msg[] = [];
    try {
      for (const message of messages) {
        const m = this.put(message);
        stored.push(m);
        this.observer?.put(m);
      }
    } finally {
      // recorded even when a message fails half-way: those stored are taken back with the write
      if (stored.length > 0) {
        this.journal.record(() => {
          for (let i = stored.length - 1; i >= 0; i--) this.forget(stored[i] as Msg);
        });
      }
    }
  }

  /** Adds a new message to the indexes (the caller records its undo, then tells the observer). */
  private put(message: NewMessage): Msg {
    const q = this.states.get(message.queue_id);
    if (!q) throw new Error(`no queue ${message.queue_id} in the store`);
    const m = new Msg(++this.lastSeq, message);
    this.bySeq.set(m.seq, m);
    q.add(m);
    return m;
  }

  /**
   * Puts back a message read from storage, with its seq and delivery state (recovery, outside any
   * write: nothing is journaled or observed). The next new message's seq follows the largest.
   */
  restore(row: MessageRow): void {
    const q = this.states.get(row.queue_id);
    if (!q) throw new Error(`no queue ${row.queue_id} in the store`);
    const m = new Msg(row.seq, row);
    m.receive_count = row.receive_count;
    m.first_received_at = row.first_received_at;
    m.received_at = row.received_at;
    m.receipt = row.receipt;
    this.bySeq.set(m.seq, m);
    q.add(m);
    if (m.seq > this.lastSeq) this.lastSeq = m.seq;
  }

  /** Deletes a message (undone if the write fails). */
  remove(m: Msg): void {
    this.forget(m);
    this.journal.record(() => {
      this.bySeq.set(m.seq, m);
      this.states.get(m.queue_id)?.add(m);
    });
    this.observer?.removed(m);
  }

  /** Changes a message's delivery fields (undone if the write fails). */
  change(m: Msg, fn: (m: Msg) => void): void {
    if (this.journal.active) {
      const { visible_at, receive_count, first_received_at, received_at, receipt } = m;
      this.journal.record(() => {
        Object.assign(m, { visible_at, receive_count, first_received_at, received_at, receipt });
        this.states.get(m.queue_id)?.moved(m);
      });
    }
    fn(m);
    this.states.get(m.queue_id)?.moved(m);
    this.observer?.changed(m);
  }

  private forget(m: Msg): void {
    this.bySeq.delete(m.seq);
    this.states.get(m.queue_id)?.remove(m);
  }
}

/** The heap engine's messages. */
export class HeapMessages implements MessageStore {
  readonly tally = { inserted: 0, deleted: 0 };

  constructor(private readonly data: HeapData) {}

  insert(message: NewMessage): number {
    this.tally.inserted++;
    return this.data.insert(message);
  }

  insertMany(messages: readonly NewMessage[]): void {
    this.tally.inserted += messages.length;
    this.data.insertAll(messages);
  }

  anyReady(queueId: number, now: number, cutoff: number): boolean {
    const q = this.data.state(queueId);
    if (!q) return false;
    q.drain(now);
    for (let m = q.firstReady(); m !== null; m = m.next) {
      if (m.sent_at > cutoff && m.visible_at <= now) return true;
    }
    return false;
  }

  deleteIfCurrent(
    queueId: number,
    receipts: ReadonlyArray<{ seq: number; token: string }>,
  ): Array<{ seq: number; group_id: string | null }> {
    const out: Array<{ seq: number; group_id: string | null }> = [];
    for (const r of receipts) {
      const m = this.data.bySeq.get(r.seq);
      if (m === undefined || m.queue_id !== queueId || m.receipt !== r.token) continue;
      this.data.remove(m);
      out.push({ seq: m.seq, group_id: m.group_id });
    }
    this.tally.deleted += out.length;
    return out;
  }

  ready(queueId: number, now: number, cutoff: number, limit: number): MessageRow[] {
    const out: MessageRow[] = [];
    const q = this.data.state(queueId);
    if (!q) return out;
    q.drain(now);
    for (let m = q.firstReady(); m !== null && out.length < limit; m = m.next) {
      if (m.sent_at > cutoff && m.visible_at <= now) out.push(m.row());
    }
    return out;
  }

  markReceived(seq: number, now: number, visibleAt: number, receipt: string): void {
    const m = this.data.bySeq.get(seq);
    if (!m) return;
    this.data.change(m, () => {
      m.visible_at = visibleAt;
      m.receive_count++;
      m.received_at = now;
      m.first_received_at ??= now;
      m.receipt = receipt;
    });
  }

  get(queueId: number, seq: number): MessageRow | undefined {
    const m = this.data.bySeq.get(seq);
    return m !== undefined && m.queue_id === queueId ? m.row() : undefined;
  }

  delete(seq: number): void {
    const m = this.data.bySeq.get(seq);
    if (!m) return;
    this.data.remove(m);
    this.tally.deleted++;
  }

  setVisibleAt(seq: number, visibleAt: number): void {
    const m = this.data.bySeq.get(seq);
    if (!m) return;
    this.data.change(m, () => {
      m.visible_at = visibleAt;
    });
  }

  nextVisibleAt(queueId: number, now: number): number | undefined {
    const q = this.data.state(queueId);
    if (!q) return undefined;
    q.drain(now);
    return q.waiting.peek()?.visible_at;
  }

  counts(queueId: number, now: number, cutoff: number): MessageCounts {
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    const q = this.data.state(queueId);
    if (!q) return counts;
    for (let m = q.messages.first; m !== null; m = m.qnext) {
      if (m.sent_at <= cutoff) continue;
      if (m.visible_at <= now) counts.visible++;
      else if (m.receive_count > 0) counts.inFlight++;
      else counts.delayed++;
    }
    return counts;
  }

  reap(queueId: number, limit: number): number {
    const q = this.data.state(queueId);
    if (!q) return 0;
    let n = 0;
    for (const m of q.messages.values()) {
      if (n >= limit) break;
      this.data.remove(m);
      n++;
    }
    return n;
  }

  expire(queueId: number, cutoff: number, limit: number): Array<string | null> {
    const q = this.data.state(queueId);
    const out: Array<string | null> = [];
    if (!q) return out;
    const gone: Msg[] = [];
    for (let m = q.messages.first; m !== null; m = m.qnext) {
      if (gone.length >= limit) break;
      if (m.sent_at <= cutoff) gone.push(m);
    }
    gone.sort((a, b) => a.sent_at - b.sent_at || a.seq - b.seq);
    for (const m of gone) {
      this.data.remove(m);
      out.push(m.group_id);
    }
    return out;
  }

  oldestSentAt(queueId: number): number | undefined {
    const q = this.data.state(queueId);
    if (!q) return undefined;
    let oldest: number | undefined;
    for (let m = q.messages.first; m !== null; m = m.qnext) {
      const at = m.sent_at;
      if (oldest === undefined || at < oldest) oldest = at;
    }
    return oldest;
  }
}
