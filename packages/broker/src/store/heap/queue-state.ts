import type { DedupRow, MessageRow, NewMessage } from '../contract.js';
import { IndexedHeap } from './indexed-heap.js';

/**
 * Where the heap engine's times count from (ms since the epoch). A message's times and a deduplication
 * entry's expiry are kept as ms from here: within 2^31 ms (~24 days; ~12 on a V8 built with pointer
 * compression, which Node's x64 builds are not) of the start they are small integers, held in the
 * object itself, where an absolute time (past 2^31) is a boxed double of its own, 16 bytes more per
 * time (measured with a heap snapshot on Node 20). Further out they are still exact (every integer
 * below 2^53 is), only boxed again, as before.
 */
export const EPOCH = Date.now();

/** The length of an MD5 in hex, as the broker stores `md5_body`. */
const MD5_HEX = 32;

/** {@link Msg.heapIndex} of a message in its queue's ready list. */
const READY = -2;

/**
 * The fields few messages have, kept out of {@link Msg} (one slot, null on most messages, in place of
 * six; a 1 KiB backlog's message is ~1.4 KB, so each slot is half a percent of it).
 */
export class RareFields {
  constructor(
    readonly attributes: string | null,
    readonly md5_attributes: string | null,
    readonly trace_header: string | null,
    readonly dedup_id: string | null,
    readonly sequence_number: string | null,
    readonly dead_letter_source_arn: string | null,
    /** md5_body when it is not {@link MD5_HEX} characters long (null: it is the end of {@link Msg.ids}). */
    readonly odd_md5_body: string | null,
  ) {}

  /** The fields of `m`, or null when it has none of them. */
  static of(m: NewMessage): RareFields | null {
    return m.attributes === null &&
      m.md5_attributes === null &&
      m.trace_header === null &&
      m.dedup_id === null &&
      m.sequence_number === null &&
      m.dead_letter_source_arn === null &&
      m.md5_body.length === MD5_HEX
      ? null
      : new RareFields(
          m.attributes,
          m.md5_attributes,
          m.trace_header,
          m.dedup_id,
          m.sequence_number,
          m.dead_letter_source_arn,
          m.md5_body.length === MD5_HEX ? null : m.md5_body,
        );
  }
}

/** The delivery fields of a message received at least once; times as ms from {@link EPOCH}. */
class Delivery {
  count = 0;
  first: number | null = null;
  last: number | null = null;
  receipt: string | null = null;
}

/**
 * A message held by the heap engine: the row's fields plus its places in the queue's indexes.
 * Each message is either in its queue's ready list (receivable since it was drained, ordered by
 * visible_at then seq) or in its waiting heap (delayed or in flight, keyed by visible_at then seq).
 * The row's times are read and written through accessors: the object keeps them as ms from
 * {@link EPOCH}, the rarely set fields in {@link Msg.rare}, the delivery fields in an object made at
 * the first receive (a backlog's messages have none; 24 bytes less each).
 */
export class Msg {
  seq: number;
  queue_id: number;
  /**
   * message_id and md5_body in one string, one string header (and slot) less than two; md5_body is in
   * {@link RareFields.odd_md5_body} instead when it is not {@link MD5_HEX} characters.
   */
  private readonly ids: string;
  body: string;
  sender_id: string;
  group_id: string | null;
  /** attributes, md5_attributes, trace_header, dedup_id, sequence_number, dead_letter_source_arn. */
  readonly rare: RareFields | null;
  private sent: number;
  private visible: number;
  /** receive_count, first_received_at, received_at, receipt: null until the first receive. */
  private rx: Delivery | null = null;
  /** Position in the waiting heap (-1: in no index; {@link READY}: in the ready list). */
  heapIndex = -1;
  prev: Msg | null = null;
  next: Msg | null = null;
  /**
   * Links in the message's group list: on a FIFO queue every message of the group in seq order; on a
   * fair (standard) queue the group's ready messages in ready-list order.
   */
  gprev: Msg | null = null;
  gnext: Msg | null = null;
  /** Links in the queue's list of all its messages ({@link MessageList}). */
  qprev: Msg | null = null;
  qnext: Msg | null = null;

  constructor(seq: number, m: NewMessage) {
    this.seq = seq;
    this.queue_id = m.queue_id;
    this.body = m.body;
    this.sender_id = m.sender_id;
    this.group_id = m.group_id;
    const rare = RareFields.of(m);
    this.rare = rare;
    this.ids = flat(rare === null || rare.odd_md5_body === null ? m.message_id + m.md5_body : m.message_id);
    this.sent = m.sent_at - EPOCH;
    this.visible = m.visible_at - EPOCH;
  }

  get message_id(): string {
    const { ids, rare } = this;
    return rare !== null && rare.odd_md5_body !== null ? ids : ids.slice(0, ids.length - MD5_HEX);
  }

  get md5_body(): string {
    const { ids, rare } = this;
    return rare !== null && rare.odd_md5_body !== null ? rare.odd_md5_body : ids.slice(ids.length - MD5_HEX);
  }

  get attributes(): string | null {
    return this.rare === null ? null : this.rare.attributes;
  }

  get md5_attributes(): string | null {
    return this.rare === null ? null : this.rare.md5_attributes;
  }

  get trace_header(): string | null {
    return this.rare === null ? null : this.rare.trace_header;
  }

  get dedup_id(): string | null {
    return this.rare === null ? null : this.rare.dedup_id;
  }

  get sequence_number(): string | null {
    return this.rare === null ? null : this.rare.sequence_number;
  }

  get dead_letter_source_arn(): string | null {
    return this.rare === null ? null : this.rare.dead_letter_source_arn;
  }

  get sent_at(): number {
    return this.sent + EPOCH;
  }

  get visible_at(): number {
    return this.visible + EPOCH;
  }

  set visible_at(at: number) {
    this.visible = at - EPOCH;
  }

  get receive_count(): number {
    const rx = this.rx;
    return rx === null ? 0 : rx.count;
  }

  set receive_count(count: number) {
    if (this.rx !== null || count !== 0) this.delivery().count = count;
  }

  get first_received_at(): number | null {
    const at = this.rx === null ? null : this.rx.first;
    return at === null ? null : at + EPOCH;
  }

  set first_received_at(at: number | null) {
    if (this.rx !== null || at !== null) this.delivery().first = at === null ? null : at - EPOCH;
  }

  get received_at(): number | null {
    const at = this.rx === null ? null : this.rx.last;
    return at === null ? null : at + EPOCH;
  }

  set received_at(at: number | null) {
    if (this.rx !== null || at !== null) this.delivery().last = at === null ? null : at - EPOCH;
  }

  get receipt(): string | null {
    return this.rx === null ? null : this.rx.receipt;
  }

  set receipt(receipt: string | null) {
    if (this.rx !== null || receipt !== null) this.delivery().receipt = receipt;
  }

  private delivery(): Delivery {
    if (this.rx === null) this.rx = new Delivery();
    return this.rx;
  }

  /** Whether the message is in the ready list. */
  get ready(): boolean {
    return this.heapIndex === READY;
  }

  /** A snapshot of the stored row. */
  row(): MessageRow {
    const rare = this.rare;
    return {
      seq: this.seq,
      queue_id: this.queue_id,
      message_id: this.message_id,
      body: this.body,
      attributes: rare === null ? null : rare.attributes,
      md5_body: this.md5_body,
      md5_attributes: rare === null ? null : rare.md5_attributes,
      sent_at: this.sent_at,
      visible_at: this.visible_at,
      receive_count: this.receive_count,
      first_received_at: this.first_received_at,
      received_at: this.received_at,
      receipt: this.receipt,
      sender_id: this.sender_id,
      trace_header: rare === null ? null : rare.trace_header,
      group_id: this.group_id,
      dedup_id: rare === null ? null : rare.dedup_id,
      sequence_number: rare === null ? null : rare.sequence_number,
      dead_letter_source_arn: rare === null ? null : rare.dead_letter_source_arn,
    };
  }
}

/**
 * A queue's messages in the order they were added (so seq order, but for a message a rolled-back
 * delete puts back, which comes last), linked through {@link Msg.qprev}: two slots per message where a
 * `Map` by seq took ~30-40 bytes (measured with a heap snapshot, Node 20).
 */
export class MessageList {
  first: Msg | null = null;
  private last: Msg | null = null;
  /** Messages in the list. */
  size = 0;

  append(m: Msg): void {
    m.qprev = this.last;
    m.qnext = null;
    if (this.last) this.last.qnext = m;
    else this.first = m;
    this.last = m;
    this.size++;
  }

  unlink(m: Msg): void {
    if (m.qprev) m.qprev.qnext = m.qnext;
    else this.first = m.qnext;
    if (m.qnext) m.qnext.qprev = m.qprev;
    else this.last = m.qprev;
    m.qprev = null;
    m.qnext = null;
    this.size--;
  }

  /** Every message, in order; removing the message just yielded is allowed. */
  *values(): IterableIterator<Msg> {
    for (let m = this.first; m !== null; ) {
      const next = m.qnext;
      yield m;
      m = next;
    }
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

/**
 * A deduplication entry, kept small: one is made by every FIFO send and outlives its message by up to
 * the 5-minute window, so it is most of what a FIFO cycle leaves for the garbage collector. The
 * sequence number is kept as its counter value when it has the broker's 20-digit form (a small
 * integer, no string), the expiry as ms from {@link EPOCH} (a small integer too, not a boxed
 * double), for ~24 days around the start; other values are kept as they are.
 */
export class DedupEntry {
  readonly messageId: string;
  private readonly seq: number | string | null;
  private readonly at: number;

  constructor(row: DedupRow) {
    this.messageId = flat(row.message_id);
    this.seq = packSequence(row.sequence_number);
    this.at = row.expires_at - EPOCH;
  }

  get expiresAt(): number {
    return this.at + EPOCH;
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
  /** Every message of the queue. */
  readonly messages = new MessageList();
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
    this.messages.append(m);
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
    this.messages.unlink(m);
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
    m.heapIndex = READY;
    m.prev = this.tail;
    m.next = null;
    if (this.tail) this.tail.next = m;
    else this.head = m;
    this.tail = m;
    if (!this.fifo && m.group_id !== null) this.groups.get(m.group_id)?.append(m);
  }

  private detach(m: Msg): void {
    if (m.heapIndex !== READY) {
      this.waiting.remove(m);
      return;
    }
    m.heapIndex = -1;
    if (m.prev) m.prev.next = m.next;
    else this.head = m.next;
    if (m.next) m.next.prev = m.prev;
    else this.tail = m.prev;
    m.prev = null;
    m.next = null;
    if (!this.fifo && m.group_id !== null) this.groups.get(m.group_id)?.unlink(m);
  }
}
