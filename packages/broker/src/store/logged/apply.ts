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
  DEL,
  DELIVERY,
  type LoggedTable,
  PUT,
  QUEUE,
  type Records,
  STATE,
  TAIL_DROP,
} from './ops.js';

/** A record's place in {@link Records}, as one number: its chunk times this, plus its offset. */
const CHUNK = 2 ** 26;

/** Rows per multi-row `INSERT` of messages. */
const PUT_ROWS = 10;
/** Values per message stored: its seq, then {@link INSERT_COLUMNS}. */
const PUT_VALUES = 1 + INSERT_COLUMNS.length;

/**
 * Applies log records (see `ops.ts`) to the SQLite database, the durable engine's tables and a few
 * statements of its own that take the ids the heap chose. Runs on the log writer's thread.
 */
export class LogApplier {
  private readonly tables: Record<LoggedTable, object>;
  /** `INSERT`s of 1 … {@link PUT_ROWS} messages (index n-1). */
  private readonly putStmts: Database.Statement[];
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
      // consecutive messages stored go in multi-row INSERTs (one statement per up to PUT_ROWS)
      const puts: unknown[] = [];
      const flush = () => {
        for (let at = 0; at < puts.length; ) {
          const n = Math.min(PUT_ROWS, (puts.length - at) / PUT_VALUES);
          (this.putStmts[n - 1] as Database.Statement).run(puts.slice(at, at + n * PUT_VALUES));
          at += n * PUT_VALUES;
        }
        puts.length = 0;
      };
      for (const [c, ops] of records.entries()) {
        for (let i = 0; i < ops.length; i += 1 + (ARITY[ops[i] as number] as number)) {
          if (skip.has(c * CHUNK + i)) continue;
          if (ops[i] === PUT) {
            for (let k = i + 1; k <= i + PUT_VALUES; k++) puts.push(ops[k]);
            continue;
          }
          flush();
          this.applyOne(ops, i);
        }
      }
      flush();
    })();
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
      default:
        throw new Error(`unknown log record ${String(ops[i])} at ${i}`);
    }
  }
}

/**
 * The positions of the records that need not be written (the records apply in one transaction, so
 * only the state they end in matters):
 * - a `PUT` whose message a later `DEL` of the same batch deletes (with that `DEL`);
 * - every `STATE` of a message followed by another `STATE` or a `DEL` of it;
 * - a FIFO group's `setGroup`, `addGroup` or `deleteGroup` followed by a `setGroup` or `deleteGroup` of
 *   the same group, or a `deleteGroups` of its queue (each of these sets the group's row whatever it
 *   was; the SQLite engine's tables have no triggers or foreign keys that would see the difference).
 * Seqs are never reused while the heap runs, so a seq names one message in a batch.
 */
export function coalesce(records: Records): Set<number> {
  const putAt = new Map<number, number>();
  const stateAt = new Map<number, number>();
  const skip = new Set<number>();
  const groupCalls: Array<[readonly unknown[], number, number]> = [];
  for (const [c, ops] of records.entries()) {
    for (let i = 0; i < ops.length; i += 1 + (ARITY[ops[i] as number] as number)) {
      const op = ops[i];
      if (op === CALL) {
        if (ops[i + 1] === 'fifo' && GROUP_WRITES.has(ops[i + 2] as string))
          groupCalls.push([ops, i, c * CHUNK + i]);
        continue;
      }
      if (op !== PUT && op !== DEL && op !== STATE) continue;
      const at = c * CHUNK + i;
      const seq = ops[i + 1] as number;
      const state = stateAt.get(seq);
      if (state !== undefined) skip.add(state);
      if (op === PUT) putAt.set(seq, at);
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
  const settled = new Set<string>();
  const wiped = new Set<unknown>();
  for (let k = groupCalls.length - 1; k >= 0; k--) {
    const [ops, i, at] = groupCalls[k] as [readonly unknown[], number, number];
    const method = ops[i + 2] as string;
    const [queueId, groupId] = ops[i + 3] as [number, string];
    if (wiped.has(queueId)) {
      skip.add(at);
      continue;
    }
    if (method === 'deleteGroups') {
      wiped.add(queueId);
      continue;
    }
    const key = `${queueId}\u0000${groupId}`;
    if (settled.has(key)) skip.add(at);
    else if (method !== 'addGroup') settled.add(key);
  }
  return skip;
}

/** The FIFO group calls {@link coalesce} folds. */
const GROUP_WRITES = new Set(['setGroup', 'addGroup', 'deleteGroup', 'deleteGroups']);

/**
 * `records` without what `skip` ({@link coalesce}'s answer for them) lists: the chunks with nothing
 * to skip as they are, the others copied without it.
 */
export function survivors(records: Records, skip: ReadonlySet<number>): Records {
  if (skip.size === 0) return records;
  const out: Array<readonly unknown[]> = [];
  for (const [c, ops] of records.entries()) {
    let kept: unknown[] | undefined;
    for (let i = 0; i < ops.length; ) {
      const next = i + 1 + (ARITY[ops[i] as number] as number);
      if (skip.has(c * CHUNK + i)) kept ??= ops.slice(0, i);
      else if (kept !== undefined) for (let k = i; k < next; k++) kept.push(ops[k]);
      i = next;
    }
    const chunk = kept ?? ops;
    if (chunk.length > 0) out.push(chunk);
  }
  return out;
}
