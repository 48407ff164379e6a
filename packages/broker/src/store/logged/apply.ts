import type Database from 'better-sqlite3';
import { FairTable } from '../fair.js';
import { FifoTable } from '../fifo.js';
import { INSERT_COLUMNS } from '../messages.js';
import { MoveTaskTable } from '../move-tasks.js';
import { QueueTable } from '../queues.js';
import { SnsArchiveTable } from '../sns-archive.js';
import { SnsDeliveryTable } from '../sns-deliveries.js';
import { SnsTopicTables } from '../sns-topics.js';
import type { JournalPosition } from './journal.js';
import {
  ARITY,
  CALL,
  DEDUP,
  DEDUP_AT,
  DEL,
  DELIVERY,
  FIFO_EXPIRES,
  FIFO_JOINS,
  FIFO_SCOPE,
  GROUP,
  GROUP_AT,
  type LoggedTable,
  MESSAGE_ID_AT,
  PUT,
  PUT_FIFO,
  QUEUE,
  QUEUE_AT,
  type Records,
  SEQ,
  SEQUENCE_AT,
  STATE,
  TAIL_DROP,
  UNGROUP,
  VISIBLE_AT,
} from './ops.js';

/** A record's place in {@link Records}, as one number: its chunk times this, plus its offset. */
const CHUNK = 2 ** 26;

/** Rows per multi-row `INSERT` of messages. */
const PUT_ROWS = 10;
/** Values per message stored: its seq, then {@link INSERT_COLUMNS}. */
const PUT_VALUES = 1 + INSERT_COLUMNS.length;
/** Rows per multi-row upsert of deduplication entries (most of a FIFO cycle's window is these). */
const DEDUP_ROWS = 50;
/** Values per deduplication entry: queue_id, scope, dedup_id, message_id, sequence_number, expires_at. */
const DEDUP_VALUES = 6;

/**
 * The position {@link coalesce} lists for a `PUT_FIFO` whose group join need not be written (its
 * group is set or deleted later in the batch), whatever becomes of its message.
 */
export function joinSkip(at: number): number {
  return -1 - at;
}

/**
 * Applies log records (see `ops.ts`) to the SQLite database, the durable engine's tables and a few
 * statements of its own that take the ids the heap chose. Runs on the log writer's thread.
 */
export class LogApplier {
  private readonly tables: Record<LoggedTable, object>;
  /** `INSERT`s of 1 … {@link PUT_ROWS} messages (index n-1). */
  private readonly putStmts: Database.Statement[];
  /** Upserts of 1 … {@link DEDUP_ROWS} deduplication entries (index n-1), prepared when first used. */
  private readonly dedupStmts: Database.Statement[] = [];
  private readonly sequenceStmt: Database.Statement;
  private readonly delStmt: Database.Statement;
  private readonly stateStmt: Database.Statement;
  private readonly queueStmt: Database.Statement;
  private readonly deliveryStmt: Database.Statement;
  private readonly tailStmt: Database.Statement;
  private readonly positionStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.tables = {
      queues: new QueueTable(db),
      fifo: new FifoTable(db),
      fair: new FairTable(db),
      moveTasks: new MoveTaskTable(db),
      snsTopics: new SnsTopicTables(db),
      snsDeliveries: new SnsDeliveryTable(db),
      snsArchive: new SnsArchiveTable(db),
    };
    const row = `(${Array.from({ length: PUT_VALUES }, () => '?').join(', ')})`;
    this.putStmts = Array.from({ length: PUT_ROWS }, (_, n) =>
      db.prepare(
        `INSERT INTO messages (seq, ${INSERT_COLUMNS.join(', ')})
         VALUES ${Array.from({ length: n + 1 }, () => row).join(', ')}`,
      ),
    );
    this.sequenceStmt = db.prepare('UPDATE queues SET last_sequence = max(last_sequence, ?) WHERE id = ?');
    this.delStmt = db.prepare('DELETE FROM messages WHERE seq = ?');
    this.tailStmt = db.prepare('DELETE FROM messages WHERE seq > ? AND +queue_id = ?');
    this.positionStmt = db.prepare(
      `INSERT INTO log_position (id, segment, offset) VALUES (1, @segment, @offset)
       ON CONFLICT (id) DO UPDATE SET segment = excluded.segment, offset = excluded.offset`,
    );
    this.stateStmt = db.prepare(
      `UPDATE messages SET visible_at = ?, receive_count = ?, first_received_at = ?, received_at = ?, receipt = ?
       WHERE seq = ?`,
    );
    this.queueStmt = db.prepare(
      `INSERT INTO queues (id, region, name, fifo, attributes, tags, created_at, modified_at)
       VALUES (@id, @region, @name, @fifo, @attributes, @tags, @created_at, @modified_at)`,
    );
    this.deliveryStmt = db.prepare(
      `INSERT INTO sns_deliveries (id, subscription_arn, kind, message_id, body, raw, due_at, created_at)
       VALUES (@id, @subscription_arn, @kind, @message_id, @body, @raw, @due_at, @created_at)`,
    );
  }

  /**
   * Applies `records` (chunks of log records, in order) in one transaction (throws, with nothing
   * applied, if SQLite fails), and records in it that the journal is applied up to `position`. Skips
   * what {@link coalesce} finds the transaction need not write.
   */
  apply(records: Records, position: JournalPosition): void {
    const skip = coalesce(records);
    this.db.transaction(() => {
      this.positionStmt.run(position);
      // messages stored go in multi-row INSERTs (one statement per up to PUT_ROWS), deduplication
      // entries in multi-row upserts (per up to DEDUP_ROWS), written before the first record that could
      // see the difference
      const puts: unknown[] = [];
      const dedups: unknown[] = [];
      // each queue's FIFO counter, as the largest `SEQ` of the batch
      const sequences = new Map<number, number>();
      const flushPuts = () => {
        for (let at = 0; at < puts.length; ) {
          const n = Math.min(PUT_ROWS, (puts.length - at) / PUT_VALUES);
          (this.putStmts[n - 1] as Database.Statement).run(puts.slice(at, at + n * PUT_VALUES));
          at += n * PUT_VALUES;
        }
        puts.length = 0;
      };
      const flush = () => {
        flushPuts();
        for (let at = 0; at < dedups.length; ) {
          const n = Math.min(DEDUP_ROWS, (dedups.length - at) / DEDUP_VALUES);
          this.dedupStmt(n).run(dedups.slice(at, at + n * DEDUP_VALUES));
          at += n * DEDUP_VALUES;
        }
        dedups.length = 0;
      };
      for (const [c, ops] of records.entries()) {
        for (let i = 0; i < ops.length; i += 1 + (ARITY[ops[i] as number] as number)) {
          const op = ops[i];
          const at = c * CHUNK + i;
          if (op === PUT_FIFO) {
            if (!skip.has(at)) for (let k = i + 1; k <= i + PUT_VALUES; k++) puts.push(ops[k]);
            pushDedup(dedups, ops, i);
            if (ops[i + FIFO_JOINS] === 1 && !skip.has(joinSkip(at))) {
              (this.tables.fifo as FifoTable).addGroup(...joinOf(ops, i));
            }
            continue;
          }
          if (skip.has(at)) continue;
          if (op === PUT) {
            for (let k = i + 1; k <= i + PUT_VALUES; k++) puts.push(ops[k]);
            continue;
          }
          if (op === DEDUP) {
            for (let k = i + 1; k <= i + DEDUP_VALUES; k++) dedups.push(ops[k]);
            continue;
          }
          if (op === SEQ) {
            const queueId = ops[i + 1] as number;
            sequences.set(queueId, Math.max(sequences.get(queueId) ?? 0, ops[i + 2] as number));
            continue;
          }
          // what it writes cannot see the rows waiting: a group's row (no buffer holds one), or a
          // message's (no deduplication entry); anything else may read or delete either
          if (op === DEL || op === STATE) flushPuts();
          else if (op !== GROUP && op !== UNGROUP) flush();
          this.applyOne(ops, i);
        }
      }
      flush();
      for (const [queueId, last] of sequences) this.sequenceStmt.run(last, queueId);
    })();
  }

  /** The upsert of `n` deduplication entries. */
  private dedupStmt(n: number): Database.Statement {
    this.dedupStmts[n - 1] ??= this.db.prepare(
      `INSERT INTO dedup (queue_id, scope, dedup_id, message_id, sequence_number, expires_at)
       VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET message_id = excluded.message_id,
         sequence_number = excluded.sequence_number, expires_at = excluded.expires_at`,
    );
    return this.dedupStmts[n - 1] as Database.Statement;
  }

  private applyOne(ops: readonly unknown[], i: number): void {
    switch (ops[i]) {
      case DEL:
        this.delStmt.run(ops[i + 1]);
        return;
      case STATE:
        this.stateStmt.run(ops[i + 2], ops[i + 3], ops[i + 4], ops[i + 5], ops[i + 6], ops[i + 1]);
        return;
      case CALL: {
        const table = this.tables[ops[i + 1] as LoggedTable] as Record<string, (...a: unknown[]) => unknown>;
        const method = table[ops[i + 2] as string] as (...a: unknown[]) => unknown;
        method.apply(table, ops[i + 3] as unknown[]);
        return;
      }
      case QUEUE:
        this.queueStmt.run({ ...(ops[i + 2] as object), id: ops[i + 1] });
        return;
      case DELIVERY:
        this.deliveryStmt.run({ ...(ops[i + 2] as object), id: ops[i + 1] });
        return;
      case TAIL_DROP:
        this.tailStmt.run(ops[i + 2], ops[i + 1]);
        return;
      case GROUP:
        (this.tables.fifo as FifoTable).setGroup(
          ops[i + 1] as number,
          ops[i + 2] as string,
          ops[i + 3] as number,
          ops[i + 4] as number,
        );
        return;
      case UNGROUP:
        (this.tables.fifo as FifoTable).deleteGroup(ops[i + 1] as number, ops[i + 2] as string);
        return;
      default:
        throw new Error(`unknown log record ${String(ops[i])} at ${i}`);
    }
  }
}

/** The `addGroup` arguments of the group join a `PUT_FIFO` at `i` carries: queue, group, ready at, head seq. */
function joinOf(ops: readonly unknown[], i: number): [number, string, number, number] {
  return [
    ops[i + QUEUE_AT] as number,
    ops[i + GROUP_AT] as string,
    ops[i + VISIBLE_AT] as number,
    ops[i + 1] as number,
  ];
}

/** Pushes the deduplication entry a `PUT_FIFO` at `i` derives (the values of a `DEDUP`). */
function pushDedup(out: unknown[], ops: readonly unknown[], i: number): void {
  out.push(
    ops[i + QUEUE_AT],
    ops[i + FIFO_SCOPE],
    ops[i + DEDUP_AT],
    ops[i + MESSAGE_ID_AT],
    ops[i + SEQUENCE_AT],
    ops[i + FIFO_EXPIRES],
  );
}

/** What a write to a FIFO group's row does, for {@link coalesce}: sets it whatever it was (`setGroup`, `deleteGroup`), */
const SETTLES = 0;
/** creates it unless it exists (`addGroup`, a `PUT_FIFO`'s join), */
const ADDS = 1;
/** or deletes every group row of the queue (`deleteGroups`). */
const WIPES = 2;
type GroupWrite = typeof SETTLES | typeof ADDS | typeof WIPES;

/**
 * The positions of the records that need not be written (the records apply in one transaction, so
 * only the state they end in matters):
 * - a `PUT` or `PUT_FIFO` whose message a later `DEL` of the same batch deletes (with that `DEL`; a
 *   `PUT_FIFO`'s deduplication entry and group join are still written, see {@link survivors});
 * - every `STATE` of a message followed by another `STATE` or a `DEL` of it;
 * - a FIFO group's `GROUP`, `UNGROUP`, `setGroup`, `addGroup` or `deleteGroup`, or a `PUT_FIFO`'s
 *   join (listed as {@link joinSkip} of its position), followed by a `GROUP`, `UNGROUP`, `setGroup`
 *   or `deleteGroup` of the same group, or
 *   a `deleteGroups` of its queue (each of these sets the group's row whatever it was; the SQLite
 *   engine's tables have no triggers or foreign keys that would see the difference).
 * Seqs are never reused while the heap runs, so a seq names one message in a batch.
 */
export function coalesce(records: Records): Set<number> {
  const putAt = new Map<number, number>();
  const stateAt = new Map<number, number>();
  const skip = new Set<number>();
  // the group writes, in order: where (a joinSkip position for a PUT_FIFO's join), what, which group
  const groupAt: number[] = [];
  const groupWrite: GroupWrite[] = [];
  const groupQueue: number[] = [];
  const groupId: string[] = [];
  const group = (at: number, write: GroupWrite, queueId: number, id: string) => {
    groupAt.push(at);
    groupWrite.push(write);
    groupQueue.push(queueId);
    groupId.push(id);
  };
  for (const [c, ops] of records.entries()) {
    for (let i = 0; i < ops.length; i += 1 + (ARITY[ops[i] as number] as number)) {
      const op = ops[i];
      const at = c * CHUNK + i;
      if (op === GROUP || op === UNGROUP) {
        group(at, SETTLES, ops[i + 1] as number, ops[i + 2] as string);
        continue;
      }
      if (op === CALL) {
        if (ops[i + 1] !== 'fifo') continue;
        const args = ops[i + 3] as [number, string];
        switch (ops[i + 2]) {
          case 'setGroup':
          case 'deleteGroup':
            group(at, SETTLES, args[0], args[1]);
            break;
          case 'addGroup':
            group(at, ADDS, args[0], args[1]);
            break;
          case 'deleteGroups':
            group(at, WIPES, args[0], '');
            break;
        }
        continue;
      }
      if (op === PUT_FIFO && ops[i + FIFO_JOINS] === 1)
        group(joinSkip(at), ADDS, ops[i + QUEUE_AT] as number, ops[i + GROUP_AT] as string);
      if (op !== PUT && op !== PUT_FIFO && op !== DEL && op !== STATE) continue;
      const seq = ops[i + 1] as number;
      const state = stateAt.get(seq);
      if (state !== undefined) skip.add(state);
      if (op === PUT || op === PUT_FIFO) putAt.set(seq, at);
      else if (op === STATE) stateAt.set(seq, at);
      else {
        stateAt.delete(seq);
        const put = putAt.get(seq);
        if (put !== undefined) {
          skip.add(put);
          skip.add(at);
          putAt.delete(seq);
        }
      }
    }
  }
  // latest first: once a group's row is set whatever it was, what came before it does not matter
  const settled = new Map<number, Set<string>>();
  const wiped = new Set<number>();
  for (let k = groupAt.length - 1; k >= 0; k--) {
    const at = groupAt[k] as number;
    const queueId = groupQueue[k] as number;
    const write = groupWrite[k] as GroupWrite;
    if (wiped.has(queueId)) {
      skip.add(at);
      continue;
    }
    if (write === WIPES) {
      wiped.add(queueId);
      continue;
    }
    const id = groupId[k] as string;
    let groups = settled.get(queueId);
    if (groups?.has(id)) skip.add(at);
    else if (write === SETTLES) {
      if (groups === undefined) {
        groups = new Set();
        settled.set(queueId, groups);
      }
      groups.add(id);
    }
  }
  return skip;
}

/**
 * `records` without what `skip` ({@link coalesce}'s answer for them) lists: the chunks with nothing
 * to skip as they are, the others copied without it. A `PUT_FIFO` whose message is skipped leaves its
 * deduplication entry (a `DEDUP`) and, unless that is skipped too, its group join (an `addGroup`).
 */
export function survivors(records: Records, skip: ReadonlySet<number>): Records {
  if (skip.size === 0) return records;
  const out: Array<readonly unknown[]> = [];
  for (const [c, ops] of records.entries()) {
    let kept: unknown[] | undefined;
    for (let i = 0; i < ops.length; ) {
      const next = i + 1 + (ARITY[ops[i] as number] as number);
      const at = c * CHUNK + i;
      if (skip.has(at)) {
        kept ??= ops.slice(0, i);
        if (ops[i] === PUT_FIFO) {
          kept.push(DEDUP);
          pushDedup(kept, ops, i);
          if (ops[i + FIFO_JOINS] === 1 && !skip.has(joinSkip(at))) {
            kept.push(CALL, 'fifo', 'addGroup', joinOf(ops, i));
          }
        }
      } else if (kept !== undefined) for (let k = i; k < next; k++) kept.push(ops[k]);
      i = next;
    }
    const chunk = kept ?? ops;
    if (chunk.length > 0) out.push(chunk);
  }
  return out;
}
