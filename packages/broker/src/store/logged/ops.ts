import type { NewMessage } from '../contract.js';
import type { MessageObserver } from '../heap/messages.js';
import type { Msg } from '../heap/queue-state.js';
import { LogBuffer } from './codec.js';

/**
 * The logged engine's log records. A batch is a flat sequence of values: an opcode, then its operands
 * (written by the {@link Recorder} in the form of `codec.ts`, read back by the log writer as one flat
 * array).
 *
 * - `PUT seq queue_id message_id body attributes md5_body md5_attributes sent_at visible_at sender_id
 *   trace_header group_id dedup_id sequence_number dead_letter_source_arn`: a message stored;
 * - `DEL seq`: a message deleted;
 * - `STATE seq visible_at receive_count first_received_at received_at receipt`: its delivery fields;
 * - `CALL table method args`: a change to another table, replayed as the same contract call;
 * - `QUEUE id row`, `DELIVERY id row`: a queue or HTTP/S delivery inserted under the id the heap gave it;
 * - `TAIL_DROP queue_id horizon`: the queue's messages above seq `horizon` deleted (its disk-only
 *   tail, see `spill.ts`).
 */
export const PUT = 1;
export const DEL = 2;
export const STATE = 3;
export const CALL = 4;
export const QUEUE = 5;
export const DELIVERY = 6;
export const TAIL_DROP = 7;

/** Operands after the opcode, by opcode. */
export const ARITY: Readonly<Record<number, number>> = {
  [PUT]: 15,
  [DEL]: 1,
  [STATE]: 6,
  [CALL]: 3,
  [QUEUE]: 2,
  [DELIVERY]: 2,
  [TAIL_DROP]: 2,
};

/** The tables whose changes are replayed as calls, and which of their methods change them. */
export const LOGGED_CALLS = {
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
 * Calls that change only delivery state: how soon a message or group can be received again, receive
 * counts, receive-attempt ids, retry counters, expired entries. A write made only of these (a
 * receive) is answered without waiting for the log: after a crash such a change may be missing, so a
 * message may come back early, never be lost (and a deleted one never comes back: deletes wait).
 */
const LAZY_CALLS = new Set([
  'fair.served',
  'fifo.setGroup',
  'fifo.putAttempt',
  'fifo.expire',
  'snsDeliveries.retry',
]);

/**
 * Writes the log records of the writes being made into the batch buffer (see `codec.ts`), from the
 * heap's message observer and the wrapped tables; {@link Recorder.begin} … {@link Recorder.end} bound
 * one write, whose records {@link Recorder.discard} takes back if it fails.
 */
export class Recorder implements MessageObserver {
  /** Every record not yet sent to the log writer. */
  readonly log = new LogBuffer();
  private mark = 0;
  /** Whether every record of the write so far changes delivery state only. */
  private lazy = true;
  /** The largest seq whose delivery state the write changed (0: none). */
  private touched = 0;

  begin(): void {
    this.mark = this.log.length;
    this.lazy = true;
    this.touched = 0;
  }

  /**
   * Whether the write recorded anything and all of it changes delivery state only; the largest seq
   * whose delivery state it changed (a message the write may only answer about once stored).
   */
  end(): { lazy: boolean; touched: number } {
    return { lazy: this.lazy && this.log.length > this.mark, touched: this.touched };
  }

  /** Takes back the records of the write (its function threw). */
  discard(): void {
    this.log.truncate(this.mark);
  }

  put(m: Msg): void {
    this.putRow(m.seq, m);
  }

  /** A message stored under `seq` (in the heap, or on disk only: see `spill.ts`). */
  putRow(seq: number, m: NewMessage): void {
    this.lazy = false;
    const log = this.log;
    log.num(PUT);
    log.num(seq);
    log.num(m.queue_id);
    log.str(m.message_id);
    log.str(m.body);
    log.str(m.attributes);
    log.str(m.md5_body);
    log.str(m.md5_attributes);
    log.num(m.sent_at);
    log.num(m.visible_at);
    log.str(m.sender_id);
    log.str(m.trace_header);
    log.str(m.group_id);
    log.str(m.dedup_id);
    log.str(m.sequence_number);
    log.str(m.dead_letter_source_arn);
  }

  removed(m: Msg): void {
    this.lazy = false;
    this.log.num(DEL);
    this.log.num(m.seq);
  }

  changed(m: Msg): void {
    if (m.seq > this.touched) this.touched = m.seq;
    const log = this.log;
    log.num(STATE);
    log.num(m.seq);
    log.num(m.visible_at);
    log.num(m.receive_count);
    log.value(m.first_received_at);
    log.value(m.received_at);
    log.str(m.receipt);
  }

  /** A call to a table other than the messages (its arguments encoded as JSON). */
  call(table: LoggedTable, method: string, args: unknown[]): void {
    if (!LAZY_CALLS.has(`${table}.${method}`)) this.lazy = false;
    this.log.num(CALL);
    this.log.str(table);
    this.log.str(method);
    // an argument left out must stay left out, not become null (a default would not apply)
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    this.log.json(n === args.length ? args : args.slice(0, n));
  }

  /** A row inserted under an id the heap chose (queues, HTTP/S deliveries). */
  inserted(op: typeof QUEUE | typeof DELIVERY, id: number, row: object): void {
    this.lazy = false;
    this.log.num(op);
    this.log.num(id);
    this.log.json(row);
  }

  /** The queue's messages above seq `horizon` deleted (its disk-only tail). */
  droppedTail(queueId: number, horizon: number): void {
    this.lazy = false;
    this.log.num(TAIL_DROP);
    this.log.num(queueId);
    this.log.num(horizon);
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
