import type { DedupRow, MessageRow, NewMessage } from '../contract.js';
import { IndexedHeap } from './indexed-heap.js';

/**
 * A message held by the heap engine: the row's fields plus its places in the queue's indexes.
 * Each message is either in its queue's ready list (receivable since it was drained, ordered by
 * visible_at then seq) or in its waiting heap (delayed or in flight, keyed by visible_at then seq).
 */
export class Msg {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  attributes: string | null;
  md5_body: string;
  md5_attributes: string | null;
  sent_at: number;
  visible_at: number;
  receive_count = 0;
  first_received_at: number | null = null;
  received_at: number | null = null;
  receipt: string | null = null;
  sender_id: string;
  trace_header: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  dead_letter_source_arn: string | null;
  /** Position in the waiting heap (-1: not in it). */
  heapIndex = -1;
  /** Whether the message is in the ready list. */
  ready = false;
  prev: Msg | null = null;
  next: Msg | null = null;
  /**
   * Links in the message's group list: on a FIFO queue every message of the group in seq order; on a
   * fair (standard) queue the group's ready messages in ready-list order.
   */
  gprev: Msg | null = null;
  gnext: Msg | null = null;

  constructor(seq: number, m: NewMessage) {
    this.seq = seq;
    this.queue_id = m.queue_id;
    this.message_id = m.message_id;
    this.body = m.body;
    this.attributes = m.attributes;
    this.md5_body = m.md5_body;
    this.md5_attributes = m.md5_attributes;
    this.sent_at = m.sent_at;
    this.visible_at = m.visible_at;
    this.sender_id = m.sender_id;
    this.trace_header = m.trace_header;
    this.group_id = m.group_id;
    this.dedup_id = m.dedup_id;
    this.sequence_number = m.sequence_number;
    this.dead_letter_source_arn = m.dead_letter_source_arn;
  }

  /** A snapshot of the stored row. */
  row(): MessageRow {
    return {
      seq: this.seq,
      queue_id: this.queue_id,
      message_id: this.message_id,
      body: this.body,
      attributes: this.attributes,
      md5_body: this.md5_body,
      md5_attributes: this.md5_attributes,
      sent_at: this.sent_at,
      visible_at: this.visible_at,
      receive_count: this.receive_count,
      first_received_at: this.first_received_at,
      received_at: this.received_at,
      receipt: this.receipt,
      sender_id: this.sender_id,
      trace_header: this.trace_header,
      group_id: this.group_id,
      dedup_id: this.dedup_id,
      sequence_number: this.sequence_number,
      dead_letter_source_arn: this.dead_letter_source_arn,
    };
  }
}

/** A doubly linked list of one group's messages (see {@link Msg.gprev}). */
export class GroupList {
  head: Msg | null = null;
  tail: Msg | null = null;
  /** Messages of the group in the queue (all of them, whichever list holds them). */
  count = 0;

  append(m: Msg): void {
    m.gprev = this.tail;
    m.gnext = null;
    if (this.tail) this.tail.gnext = m;
    else this.head = m;
    this.tail = m;
  }

  /** Inserts `m` in seq order (from the tail: new messages come last). */
  insertBySeq(m: Msg): void {
    let after = this.tail;
    while (after !== null && after.seq > m.seq) after = after.gprev;
    m.gprev = after;
    m.gnext = after ? after.gnext : this.head;
    if (m.gnext) m.gnext.gprev = m;
    else this.tail = m;
    if (after) after.gnext = m;
    else this.head = m;
  }

  unlink(m: Msg): void {
    if (m.gprev) m.gprev.gnext = m.gnext;
    else if (this.head === m) this.head = m.gnext;
    if (m.gnext) m.gnext.gprev = m.gprev;
    else if (this.tail === m) this.tail = m.gprev;
    m.gprev = null;
    m.gnext = null;
  }
}

/** Where {@link DedupEntry.at} counts from: expiries near the present stay small integers. */
const DEDUP_EPOCH = Date.now();

/**
 * A deduplication entry, kept small: one is made by every FIFO send and outlives its message by up to
 * the 5-minute window, so it is most of what a FIFO cycle leaves for the garbage collector. The
 * sequence number is kept as its counter value when it has the broker's 20-digit form (a small
 * integer, no string), the expiry as ms from {@link DEDUP_EPOCH} (a small integer too, not a boxed
 * double), for ~24 days around the start; other values are kept as they are.
 */
export class DedupEntry {
  readonly messageId: string;
  private readonly seq: number | string | null;
  private readonly at: number;

  constructor(row: DedupRow) {
    this.messageId = flat(row.message_id);
    this.seq = packSequence(row.sequence_number);
    this.at = row.expires_at - DEDUP_EPOCH;
  }

  get expiresAt(): number {
    return this.at + DEDUP_EPOCH;
  }

  /** The row it was made from. */
  row(): DedupRow {
    const seq = this.seq;
    return {
      message_id: this.messageId,
      sequence_number: typeof seq === 'number' ? `1${String(seq).padStart(19, '0')}` : seq,
      expires_at: this.expiresAt,
    };
  }
}

/**
 * `s`, flattened in place: a string built by concatenation (as `crypto.randomUUID()` builds its
 * result) is a tree of string pieces until V8 flattens it, ~490 bytes for a message id against ~70
 * flat (measured on Node 20). Reading a character makes V8 flatten it.
 */
export function flat(s: string): string {
  // kept in a variable so that no compiler drops the read as unused
  _flatSink = s.charCodeAt(0);
  return s;
}
let _flatSink = 0;

/** `1` and 19 digits (10^19 + n, `sequenceNumber` in sqs/fifo.ts) as n, when n is exact; else as given. */
function packSequence(s: string | null): number | string | null {
  if (s === null || s.length !== 20 || s.charCodeAt(0) !== 49 /* 1 */) return s;
  const n = Number(s.slice(1));
  return Number.isSafeInteger(n) && `1${String(n).padStart(19, '0')}` === s ? n : s;
}

/** A FIFO group's readiness: the `fifo_groups` row of the SQLite engine. */
export interface FifoGroup {
  groupId: string;
  readyAt: number;
  headSeq: number;
  heapIndex: number;
}

/** A fair group's standing: the `fair_groups` row of the SQLite engine. */
export interface FairGroup {
  groupId: string;
  inFlight: number;
  served: number;
  heapIndex: number;
}

const byVisibility = (a: Msg, b: Msg) =>
  a.visible_at < b.visible_at || (a.visible_at === b.visible_at && a.seq < b.seq);
const byReadiness = (a: FifoGroup, b: FifoGroup) =>
  a.readyAt < b.readyAt ||
  (a.readyAt === b.readyAt && (a.headSeq < b.headSeq || (a.headSeq === b.headSeq && a.groupId < b.groupId)));
const byFairness = (a: FairGroup, b: FairGroup) =>
  a.inFlight < b.inFlight ||
  (a.inFlight === b.inFlight && (a.served < b.served || (a.served === b.served && a.groupId < b.groupId)));

/** The group bookkeeping of a queue, replaced whole when the queue is deleted. */
export class QueueSide {
  readonly fifoGroups = new Map<string, FifoGroup>();
  readonly fifoReady = new IndexedHeap<FifoGroup>(byReadiness);
  readonly fairGroups = new Map<string, FairGroup>();
  readonly fairOrder = new IndexedHeap<FairGroup>(byFairness);
  /** Deduplication entries by key (`dedupKey` in groups.ts), in insertion order (so roughly by expiry). */
  readonly dedup = new Map<string, DedupEntry>();
  /** Receive attempts by id: their receipts (JSON) and expiry, in insertion order. */
  readonly attempts = new Map<string, { receipts: string; expiresAt: number }>();
}

/**
 * One queue's messages and indexes. Messages become receivable when a read drains the waiting heap
 * up to its `now`, so the ready list keeps the order of visible_at (and seq) as the clock advances.
 */
export class QueueState {
  /** Every message of the queue by seq, in insertion (so seq) order. */
  readonly messages = new Map<number, Msg>();
  private head: Msg | null = null;
  private tail: Msg | null = null;
  readonly waiting = new IndexedHeap<Msg>(byVisibility);
  /** Message group lists (see {@link Msg.gprev}). */
  readonly groups = new Map<string, GroupList>();
  side = new QueueSide();

  constructor(
    readonly id: number,
    readonly fifo: boolean,
  ) {}

  /** Adds a message to the queue's indexes (a new one, or one a rolled-back delete restores). */
  add(m: Msg): void {
    this.messages.set(m.seq, m);
    if (m.group_id !== null) {
      let group = this.groups.get(m.group_id);
      if (!group) {
        group = new GroupList();
        this.groups.set(m.group_id, group);
      }
      group.count++;
      if (this.fifo) group.insertBySeq(m);
    }
    this.place(m);
  }

  /** Removes a message from every index. */
  remove(m: Msg): void {
    this.detach(m);
    this.messages.delete(m.seq);
    if (m.group_id !== null) {
      const group = this.groups.get(m.group_id) as GroupList;
      if (this.fifo) group.unlink(m);
      if (--group.count === 0) this.groups.delete(m.group_id);
    }
  }

  /** Re-indexes a message whose visible_at changed. */
  moved(m: Msg): void {
    this.detach(m);
    this.place(m);
  }

  /** Moves every waiting message visible at `now` to the ready list, in order. */
  drain(now: number): void {
    const { waiting } = this;
    for (;;) {
      const top = waiting.peek();
      if (top === undefined || top.visible_at > now) return;
      waiting.remove(top);
      this.append(top);
    }
  }

  /** The ready list, from its head. */
  firstReady(): Msg | null {
    return this.head;
  }

  /** A fair group's ready messages, from the oldest. */
  firstReadyOf(groupId: string): Msg | null {
    return this.fifo ? null : (this.groups.get(groupId)?.head ?? null);
  }

  /** A FIFO group's messages, from its head. */
  firstOf(groupId: string): Msg | null {
    return this.fifo ? (this.groups.get(groupId)?.head ?? null) : null;
  }

  /** New messages that are visible go straight to the ready list when that keeps its order. */
  private place(m: Msg): void {
    const top = this.waiting.peek();
    const tail = this.tail;
    if (
      m.visible_at <= m.sent_at &&
      (top === undefined || byVisibility(m, top)) &&
      (tail === null || byVisibility(tail, m))
    ) {
      this.append(m);
    } else this.waiting.push(m);
  }

  private append(m: Msg): void {
    m.ready = true;
    m.prev = this.tail;
    m.next = null;
    if (this.tail) this.tail.next = m;
    else this.head = m;
    this.tail = m;
    if (!this.fifo && m.group_id !== null) this.groups.get(m.group_id)?.append(m);
  }

  private detach(m: Msg): void {
    if (!m.ready) {
      this.waiting.remove(m);
      return;
    }
    m.ready = false;
    if (m.prev) m.prev.next = m.next;
    else this.head = m.next;
    if (m.next) m.next.prev = m.prev;
    else this.tail = m.prev;
    m.prev = null;
    m.next = null;
    if (!this.fifo && m.group_id !== null) this.groups.get(m.group_id)?.unlink(m);
  }
}
