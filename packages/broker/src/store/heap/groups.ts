import type { DedupRow, FairStore, FifoStore, MessageRow } from '../contract.js';
import type { HeapData } from './messages.js';
import { DedupEntry, type FairGroup, type FifoGroup, type Msg, type QueueSide } from './queue-state.js';

/** The heap engine's FIFO groups (a heap by readiness), deduplication entries and receive attempts. */
export class HeapFifo implements FifoStore {
  constructor(private readonly data: HeapData) {}

  private side(queueId: number): QueueSide | undefined {
    return this.data.state(queueId)?.side;
  }

  readyGroups(queueId: number, now: number, limit: number): string[] {
    const side = this.side(queueId);
    if (!side) return [];
    if (limit === 1) {
      // "is any group ready?", asked before every receive: the top of the heap, touched not
      const top = side.fifoReady.peek();
      return top !== undefined && top.readyAt <= now ? [top.groupId] : [];
    }
    return side.fifoReady.first(limit, (g) => g.readyAt <= now).map((g) => g.groupId);
  }

  nextReadyAt(queueId: number, now: number): number | undefined {
    const side = this.side(queueId);
    if (!side) return undefined;
    let next: number | undefined;
    for (const g of side.fifoReady.values()) {
      if (g.readyAt > now && (next === undefined || g.readyAt < next)) next = g.readyAt;
    }
    return next;
  }

  head(queueId: number, groupId: string, afterSeq: number, limit: number): MessageRow[] {
    const q = this.data.state(queueId);
    const out: MessageRow[] = [];
    if (!q) return out;
    let m: Msg | null;
    const after = afterSeq < 0 ? undefined : this.data.bySeq.get(afterSeq);
    if (after !== undefined && after.queue_id === queueId && after.group_id === groupId && q.fifo)
      m = after.gnext;
    else {
      m = q.firstOf(groupId);
      while (m !== null && m.seq <= afterSeq) m = m.gnext;
    }
    for (; m !== null && out.length < limit; m = m.gnext) out.push(m.row());
    return out;
  }

  groupState(
    queueId: number,
    groupId: string,
    limit: number,
  ): Array<Pick<MessageRow, 'seq' | 'visible_at' | 'receive_count'>> {
    const out: Array<Pick<MessageRow, 'seq' | 'visible_at' | 'receive_count'>> = [];
    let m = this.data.state(queueId)?.firstOf(groupId) ?? null;
    for (; m !== null && out.length < limit; m = m.gnext) {
      out.push({ seq: m.seq, visible_at: m.visible_at, receive_count: m.receive_count });
    }
    return out;
  }

  setGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    const side = this.side(queueId);
    if (!side) return;
    const g = side.fifoGroups.get(groupId);
    if (g === undefined) {
      this.create(side, groupId, readyAt, headSeq);
      return;
    }
    const was = { readyAt: g.readyAt, headSeq: g.headSeq };
    g.readyAt = readyAt;
    g.headSeq = headSeq;
    side.fifoReady.update(g);
    this.data.journal.record(() => {
      g.readyAt = was.readyAt;
      g.headSeq = was.headSeq;
      side.fifoReady.update(g);
    });
  }

  addGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    const side = this.side(queueId);
    if (side && !side.fifoGroups.has(groupId)) this.create(side, groupId, readyAt, headSeq);
  }

  deleteGroup(queueId: number, groupId: string): void {
    const side = this.side(queueId);
    const g = side?.fifoGroups.get(groupId);
    if (!side || !g) return;
    side.fifoGroups.delete(groupId);
    side.fifoReady.remove(g);
    this.data.journal.record(() => {
      side.fifoGroups.set(groupId, g);
      side.fifoReady.push(g);
    });
  }

  deleteGroups(queueId: number): void {
    const side = this.side(queueId);
    if (side) for (const groupId of [...side.fifoGroups.keys()]) this.deleteGroup(queueId, groupId);
  }

  dedup(queueId: number, scope: string, dedupId: string, now: number): DedupRow | undefined {
    const entry = this.side(queueId)?.dedup.get(dedupKey(scope, dedupId));
    return entry !== undefined && entry.expiresAt > now ? entry.row() : undefined;
  }

  putDedup(queueId: number, scope: string, dedupId: string, entry: DedupRow): void {
    const side = this.side(queueId);
    if (side) setUndoably(this.data, side.dedup, dedupKey(scope, dedupId), new DedupEntry(entry));
  }

  attempt(queueId: number, attemptId: string, now: number): string | undefined {
    const entry = this.side(queueId)?.attempts.get(attemptId);
    return entry !== undefined && entry.expiresAt > now ? entry.receipts : undefined;
  }

  putAttempt(queueId: number, attemptId: string, receipts: string, expiresAt: number): void {
    const side = this.side(queueId);
    if (side) setUndoably(this.data, side.attempts, attemptId, { receipts, expiresAt });
  }

  /**
   * Entries are kept in insertion order, which is expiry order while the clock runs forward; an entry
   * found out of order is dropped at a later sweep (lookups already ignore it once expired).
   */
  expire(now: number): number | undefined {
    let next: number | undefined;
    const earliest = (at: number) => {
      if (next === undefined || at < next) next = at;
    };
    for (const q of this.data.states.values()) {
      for (const [key, entry] of q.side.dedup) {
        if (entry.expiresAt > now) {
          earliest(entry.expiresAt);
          break;
        }
        q.side.dedup.delete(key);
      }
      for (const [key, entry] of q.side.attempts) {
        if (entry.expiresAt > now) {
          earliest(entry.expiresAt);
          break;
        }
        q.side.attempts.delete(key);
      }
    }
    return next;
  }

  private create(side: QueueSide, groupId: string, readyAt: number, headSeq: number): void {
    const g: FifoGroup = { groupId, readyAt, headSeq, heapIndex: -1 };
    side.fifoGroups.set(groupId, g);
    side.fifoReady.push(g);
    this.data.journal.record(() => {
      side.fifoGroups.delete(groupId);
      side.fifoReady.remove(g);
    });
  }
}

/**
 * The key of a deduplication entry: the id alone in the queue's scope (the usual case: no string to
 * build and hash on every send), `group \0 id` in a group's. Ids are printable ASCII, so the two
 * forms never meet.
 */
function dedupKey(scope: string, dedupId: string): string {
  return scope === '' ? dedupId : `${scope}\u0000${dedupId}`;
}

/** Sets `map[key]` (moved to the end of the map's order), recording how to undo it. */
function setUndoably<V>(data: HeapData, map: Map<string, V>, key: string, value: V): void {
  const old = map.get(key);
  if (old !== undefined) map.delete(key);
  map.set(key, value);
  data.journal.record(() => {
    if (old === undefined) map.delete(key);
    else map.set(key, old);
  });
}

/** The heap engine's fair groups, in a heap by (in flight, last served). */
export class HeapFair implements FairStore {
  constructor(private readonly data: HeapData) {}

  private side(queueId: number): QueueSide | undefined {
    return this.data.state(queueId)?.side;
  }

  any(queueId: number): boolean {
    return (this.side(queueId)?.fairGroups.size ?? 0) > 0;
  }

  candidates(queueId: number, limit: number): string[] {
    const side = this.side(queueId);
    if (!side) return [];
    if (side.fairGroups.size <= limit) {
      return [...side.fairOrder.values()]
        .sort((a, b) => a.inFlight - b.inFlight || a.served - b.served || (a.groupId < b.groupId ? -1 : 1))
        .map((g) => g.groupId);
    }
    return side.fairOrder.first(limit, () => true).map((g) => g.groupId);
  }

  oldestReady(queueId: number, groupId: string, now: number, cutoff: number): MessageRow | undefined {
    const q = this.data.state(queueId);
    if (!q) return undefined;
    q.drain(now);
    for (let m = q.firstReadyOf(groupId); m !== null; m = m.gnext) {
      if (m.sent_at > cutoff && m.visible_at <= now) return m.row();
    }
    return undefined;
  }

  add(queueId: number, groupId: string): void {
    const side = this.side(queueId);
    if (!side || side.fairGroups.has(groupId)) return;
    const g: FairGroup = { groupId, inFlight: 0, served: 0, heapIndex: -1 };
    side.fairGroups.set(groupId, g);
    side.fairOrder.push(g);
    this.data.journal.record(() => this.drop(side, g));
  }

  /** Puts back a group read from storage, with its counters (recovery, outside any write). */
  restore(queueId: number, groupId: string, inFlight: number, served: number): void {
    this.add(queueId, groupId);
    const side = this.side(queueId);
    const g = side?.fairGroups.get(groupId);
    if (side && g) this.alter(side, g, inFlight, served);
  }

  served(queueId: number, groupId: string, at: number): void {
    const side = this.side(queueId);
    const g = side?.fairGroups.get(groupId);
    if (!side || !g) return;
    this.alter(side, g, g.inFlight + 1, at);
  }

  released(queueId: number, groupId: string): void {
    const side = this.side(queueId);
    const g = side?.fairGroups.get(groupId);
    if (!side || !g) return;
    this.alter(side, g, Math.max(g.inFlight - 1, 0), g.served);
    if (!this.data.state(queueId)?.groups.has(groupId)) {
      this.drop(side, g);
      this.data.journal.record(() => {
        side.fairGroups.set(groupId, g);
        side.fairOrder.push(g);
      });
    }
  }

  deleteAll(queueId: number): void {
    const side = this.side(queueId);
    if (!side) return;
    for (const g of [...side.fairGroups.values()]) {
      this.drop(side, g);
      this.data.journal.record(() => {
        side.fairGroups.set(g.groupId, g);
        side.fairOrder.push(g);
      });
    }
  }

  private alter(side: QueueSide, g: FairGroup, inFlight: number, served: number): void {
    const was = { inFlight: g.inFlight, served: g.served };
    g.inFlight = inFlight;
    g.served = served;
    side.fairOrder.update(g);
    this.data.journal.record(() => {
      g.inFlight = was.inFlight;
      g.served = was.served;
      if (side.fairGroups.get(g.groupId) === g) side.fairOrder.update(g);
    });
  }

  private drop(side: QueueSide, g: FairGroup): void {
    side.fairGroups.delete(g.groupId);
    side.fairOrder.remove(g);
  }
}
