import type { DedupRow, NewMessage } from '../contract.js';
import type { MessageObserver } from '../heap/messages.js';
import type { Msg } from '../heap/queue-state.js';
import { INSERT_COLUMNS } from '../messages.js';

/**
 * The logged engine's log records. A batch is one flat array of values: an opcode, then its operands
 * (flat, so that journaling and posting a batch to the log writer clones numbers and strings, not one small array
 * per change).
 *
 * - `PUT seq …`: a message stored, its values in the order of `INSERT_COLUMNS` (`messages.ts`);
 * - `DEL seq`: a message deleted;
 * - `STATE seq visible_at receive_count first_received_at received_at receipt`: its delivery fields;
 * - `CALL table method args`: a change to another table, replayed as the same contract call;
 * - `QUEUE id row`, `DELIVERY id row`: a queue or HTTP/S delivery inserted under the id the heap gave it;
 * - `TAIL_DROP queue_id horizon`: the queue's messages above seq `horizon` deleted (its disk-only
 *   tail, see `spill.ts`);
 * - `PUT_FIFO seq … scope expires_at joins`: a FIFO message stored (the values of a `PUT`) with its
 *   deduplication entry, which the log writer derives from it (the message's queue, dedup id, id and
 *   sequence number, under `scope`, until `expires_at`), and, when `joins` is 1, the message joining
 *   its group (`addGroup(queue_id, group_id, visible_at, seq)`): one record where a send made three;
 * - `DEDUP queue_id scope dedup_id message_id sequence_number expires_at`: a deduplication entry (what
 *   is left of a `PUT_FIFO` whose message was deleted in the same window);
 * - `SEQ queue_id last`: the queue's FIFO sequence counter is at least `last` (a send reserved the
 *   numbers up to it). Applied once per queue per window, as the largest;
 * - `GROUP queue_id group_id ready_at head_seq`, `UNGROUP queue_id group_id`: a FIFO group's row set
 *   or deleted (`setGroup`, `deleteGroup`: each receive and delete makes one, so flat values rather
 *   than a call with an argument array).
 */
export const PUT = 1;
export const DEL = 2;
export const STATE = 3;
export const CALL = 4;
export const QUEUE = 5;
export const DELIVERY = 6;
export const TAIL_DROP = 7;
export const PUT_FIFO = 8;
export const DEDUP = 9;
export const SEQ = 10;
export const GROUP = 11;
export const UNGROUP = 12;

/** Where a `PUT`'s (or `PUT_FIFO`'s) column is, counted from its opcode. */
export function putOffset(column: (typeof INSERT_COLUMNS)[number]): number {
  return 2 + INSERT_COLUMNS.indexOf(column);
}
/** Values of a `PUT` record, its opcode included. */
const PUT_LENGTH = 2 + INSERT_COLUMNS.length;
/** Where a `PUT_FIFO`'s scope, expiry and `joins` flag are, counted from its opcode. */
export const FIFO_SCOPE = PUT_LENGTH;
export const FIFO_EXPIRES = PUT_LENGTH + 1;
export const FIFO_JOINS = PUT_LENGTH + 2;
/** Where the columns a `PUT_FIFO`'s readers need are, counted from its opcode. */
export const QUEUE_AT = putOffset('queue_id');
export const MESSAGE_ID_AT = putOffset('message_id');
export const VISIBLE_AT = putOffset('visible_at');
export const GROUP_AT = putOffset('group_id');
export const DEDUP_AT = putOffset('dedup_id');
export const SEQUENCE_AT = putOffset('sequence_number');

/**
 * Log records in chunks (each write's, or each turn's, as they were recorded), in order: what the
 * journal's frames and the windows hold, so that no one copies them into one array.
 */
export type Records = ReadonlyArray<readonly unknown[]>;

/** Operands after the opcode, by opcode. */
export const ARITY: Readonly<Record<number, number>> = {
  [PUT]: 1 + INSERT_COLUMNS.length,
  [DEL]: 1,
  [STATE]: 6,
  [CALL]: 3,
  [QUEUE]: 2,
  [DELIVERY]: 2,
  [TAIL_DROP]: 2,
  [PUT_FIFO]: 4 + INSERT_COLUMNS.length,
  [DEDUP]: 6,
  [SEQ]: 2,
  [GROUP]: 4,
  [UNGROUP]: 2,
};

/** The tables whose changes are replayed as calls, and which of their methods change them. */
export const LOGGED_CALLS = {
  // the logged engine records queues.nextSequence and fifo's putDedup, addGroup, setGroup and deleteGroup
  // as records of their own (`SEQ`, `PUT_FIFO`, `GROUP`, `UNGROUP`; see `index.ts`); they stay listed for a caller of `recorded` and so that an
  // older journal's calls to them replay
  queues: ['updateAttributes', 'updateTags', 'markPurged', 'nextSequence', 'delete', 'forgetDead'],
  fifo: ['setGroup', 'addGroup', 'deleteGroup', 'deleteGroups', 'putDedup', 'putAttempt', 'expire'],
  fair: ['add', 'served', 'released', 'deleteAll'],
  moveTasks: ['insert', 'update'],
  snsTopics: [
    'insertTopic',
    'updateTopic',
    'nextSequence',
    'deleteTopic',
    'insertSubscription',
    'updateSubscription',
    'deleteSubscription',
  ],
  snsDeliveries: ['retry', 'delete', 'deleteForSubscription'],
  snsArchive: ['insert', 'expire', 'deleteTopic'],
} as const;

export type LoggedTable = keyof typeof LOGGED_CALLS;

/**
 * Collects the log records of the write being made ({@link Recorder.begin} … {@link Recorder.end}),
 * from the heap's message observer and the wrapped tables.
 */
export class Recorder implements MessageObserver {
  private ops: unknown[] = [];
  /** Whether the write so far stored a message. */
  private stores = false;
  /** Messages whose delivery state changed since it was last recorded, by seq. */
  private readonly dirty = new Map<number, Msg>();

  /** Where the last `PUT` recorded starts in {@link ops} (-1: none in this write). */
  private lastPut = -1;

  begin(): void {
    this.ops = [];
    this.stores = false;
    this.lastPut = -1;
  }

  /** The write's records, and whether it stored a message. */
  end(): { ops: unknown[]; stores: boolean } {
    const out = { ops: this.ops, stores: this.stores };
    this.ops = [];
    this.lastPut = -1;
    return out;
  }

  put(m: Msg): void {
    this.putRow(m.seq, m);
  }

  /** A message stored under `seq` (in the heap, or on disk only: see `spill.ts`). */
  putRow(seq: number, m: NewMessage): void {
    this.stores = true;
    this.lastPut = this.ops.length;
    // the values of `columnValues(m)`, pushed without the array between
    this.ops.push(
      PUT,
      seq,
      m.queue_id,
      m.message_id,
      m.body,
      m.attributes,
      m.md5_body,
      m.md5_attributes,
      m.sent_at,
      m.visible_at,
      m.sender_id,
      m.trace_header,
      m.group_id,
      m.dedup_id,
      m.sequence_number,
      m.dead_letter_source_arn,
    );
  }

  removed(m: Msg): void {
    this.dirty.delete(m.seq);
    this.ops.push(DEL, m.seq);
  }

  /**
   * A message's delivery state changed: written later, with whatever state it has then (see
   * {@link Recorder.flushStates}), so that a message received and deleted in between costs its log no
   * UPDATE at all.
   */
  changed(m: Msg): void {
    this.dirty.set(m.seq, m);
  }

  /** Records the current delivery state of every message changed since the last call and still stored. */
  flushStates(stored: (seq: number) => boolean): void {
    for (const [seq, m] of this.dirty) {
      if (!stored(seq)) continue;
      this.ops.push(STATE, seq, m.visible_at, m.receive_count, m.first_received_at, m.received_at, m.receipt);
    }
    this.dirty.clear();
  }

  /** Whether delivery states wait to be written. */
  get statesPending(): boolean {
    return this.dirty.size > 0;
  }

  /**
   * A call to a table other than the messages. Its arguments are journaled as they are at the end of
   * the turn, and reach SQLite as they are when the window is sent: an argument the heap changes in
   * between reaches SQLite with the later state early, which the later record's call sets anyway.
   */
  call(table: LoggedTable, method: string, args: unknown[]): void {
    this.ops.push(CALL, table, method, args);
  }

  /**
   * A deduplication entry put: folded into the `PUT` just recorded when that is the same message's
   * (the send's case: the record becomes a `PUT_FIFO`), else a call.
   */
  dedup(queueId: number, scope: string, dedupId: string, entry: DedupRow): void {
    const ops = this.ops;
    const at = ops.length - PUT_LENGTH;
    if (
      at === this.lastPut &&
      ops[at] === PUT &&
      ops[at + QUEUE_AT] === queueId &&
      ops[at + DEDUP_AT] === dedupId &&
      ops[at + MESSAGE_ID_AT] === entry.message_id &&
      ops[at + SEQUENCE_AT] === entry.sequence_number
    ) {
      ops[at] = PUT_FIFO;
      ops.push(scope, entry.expires_at, 0);
      return;
    }
    this.call('fifo', 'putDedup', [queueId, scope, dedupId, entry]);
  }

  /**
   * A group created unless it exists (`addGroup`): folded into the `PUT_FIFO` just recorded when it is
   * that message joining its group, else a call.
   */
  joined(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    const ops = this.ops;
    const at = ops.length - 1 - (ARITY[PUT_FIFO] as number);
    if (
      at === this.lastPut &&
      ops[at] === PUT_FIFO &&
      ops[at + 1] === headSeq &&
      ops[at + QUEUE_AT] === queueId &&
      ops[at + GROUP_AT] === groupId &&
      ops[at + VISIBLE_AT] === readyAt
    ) {
      ops[at + FIFO_JOINS] = 1;
      return;
    }
    this.call('fifo', 'addGroup', [queueId, groupId, readyAt, headSeq]);
  }

  /** A FIFO group's row set (`setGroup`). */
  group(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    this.ops.push(GROUP, queueId, groupId, readyAt, headSeq);
  }

  /** A FIFO group's row deleted (`deleteGroup`). */
  ungrouped(queueId: number, groupId: string): void {
    this.ops.push(UNGROUP, queueId, groupId);
  }

  /** The queue's FIFO sequence numbers `first` … `first + count - 1` reserved (`nextSequence`). */
  reserved(queueId: number, first: number, count: number): void {
    this.ops.push(SEQ, queueId, first + count - 1);
  }

  /** A row inserted under an id the heap chose (queues, HTTP/S deliveries; see {@link Recorder.call} on when it is read). */
  inserted(op: typeof QUEUE | typeof DELIVERY, id: number, row: object): void {
    this.ops.push(op, id, row);
  }

  /** The queue's messages above seq `horizon` deleted (its disk-only tail). */
  droppedTail(queueId: number, horizon: number): void {
    this.ops.push(TAIL_DROP, queueId, horizon);
  }
}

/**
 * `table`'s methods, bound once, with each of its changing ones also recorded in `recorder` after it
 * ran (a call that throws is not recorded; its write is undone whole anyway). The contract's tables
 * have methods only, so the wrapper is all of the table a caller sees.
 */
export function recorded<T extends object>(name: LoggedTable, table: T, recorder: Recorder): T {
  const changing = new Set<string>(LOGGED_CALLS[name]);
  const out: Record<string, unknown> = {};
  for (
    let proto = Object.getPrototypeOf(table);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const fn = (table as Record<string, unknown>)[key];
      if (key === 'constructor' || key in out || typeof fn !== 'function') continue;
      const method = fn as (...args: unknown[]) => unknown;
      out[key] = changing.has(key)
        ? (...args: unknown[]) => {
            const result = method.apply(table, args);
            recorder.call(name, key, args);
            return result;
          }
        : method.bind(table);
    }
  }
  return out as T;
}
