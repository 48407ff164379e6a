import type { MessageCounts, NewMessage } from './rows.js';

export type { MessageCounts, NewMessage } from './rows.js';

import type Database from 'better-sqlite3';
import { Limited } from './limited.js';
import { MESSAGE_COLUMNS, MessageQuery, type MessageRow } from './message-rows.js';

export type { MessageRow } from './message-rows.js';

/** The columns a new message is inserted with, in the order of {@link columnValues}. */
export const INSERT_COLUMNS = [
  'queue_id',
  'message_id',
  'body',
  'attributes',
  'md5_body',
  'md5_attributes',
  'sent_at',
  'visible_at',
  'sender_id',
  'trace_header',
  'group_id',
  'dedup_id',
  'sequence_number',
  'dead_letter_source_arn',
] as const;
/** Rows per multi-row INSERT statement (a batch send is at most 10). */
const MAX_INSERT_ROWS = 10;

/** A new message's values in `INSERT_COLUMNS` order (positional binding is cheaper than named). */
export function columnValues(m: NewMessage): unknown[] {
  return [
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
  ];
}

/**
 * Receivable messages come from the `(queue_id, visible_at)` index, oldest-visible first; `+sent_at`
 * (the retention cut) keeps SQLite from walking the `sent_at` index instead, which would pass over
 * every message in flight at the head of the queue.
 */
export const ANY_READY_SQL =
  'SELECT 1 FROM messages WHERE queue_id = ? AND visible_at <= ? AND +sent_at > ? LIMIT 1';
export const readySql = (limit: number): string =>
  `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND visible_at <= ? AND +sent_at > ? ORDER BY visible_at LIMIT ${limit}`;

/**
 * Deletes `n` messages of a queue by (seq, receipt token), looking each up by rowid (`seq IN (…)`).
 * The `+` keeps SQLite from choosing a `queue_id` index instead, which would scan the whole queue,
 * whatever its backlog — as it does without statistics (exported for the test that pins the plan).
 */
export function deleteIfCurrentSql(n: number): string {
  const seqs = Array.from({ length: n }, () => '?').join(', ');
  const pairs = Array.from({ length: n }, () => '(?, ?)').join(', ');
  return `DELETE FROM messages WHERE seq IN (${seqs}) AND +queue_id = ? AND (seq, receipt) IN (VALUES ${pairs})
    RETURNING seq, group_id`;
}

/** Prepared statements over the `messages` table. */
export class MessageTable {
  /**
   * Messages inserted and deleted (by receipt handle or by the broker: dead-letter and move-task
   * transfers) since the store opened — the dashboard's throughput. Counted when the statement runs,
   * so a write rolled back later still counts; purges and retention expiry are not counted.
   */
  readonly tally = { inserted: 0, deleted: 0 };
  private readonly insertStmts: Database.Statement[];
  private readonly anyReadyStmt;
  private readonly deleteIfCurrentStmts: Database.Statement[];
  private readonly readyStmt;
  private readonly markReceivedStmt;
  private readonly bySeqStmt;
  private readonly deleteStmt;
  private readonly setVisibleAtStmt;
  private readonly nextVisibleStmt;
  private readonly countsStmt;
  private readonly reapStmt;
  private readonly expireStmt;
  private readonly oldestStmt;

  constructor(db: Database.Database) {
    this.insertStmts = [];
    for (let n = 1; n <= MAX_INSERT_ROWS; n++) {
      const rows = Array.from({ length: n }, () => `(${INSERT_COLUMNS.map(() => '?').join(', ')})`).join(
        ', ',
      );
      this.insertStmts.push(db.prepare(`INSERT INTO messages (${INSERT_COLUMNS.join(', ')}) VALUES ${rows}`));
    }
    this.anyReadyStmt = db.prepare(ANY_READY_SQL);
    this.deleteIfCurrentStmts = [];
    for (let n = 1; n <= MAX_INSERT_ROWS; n++) {
      this.deleteIfCurrentStmts.push(db.prepare(deleteIfCurrentSql(n)));
    }
    this.readyStmt = new Limited((sql) => new MessageQuery(db, sql), readySql);
    this.markReceivedStmt = db.prepare(
      `UPDATE messages SET visible_at = ?, receive_count = receive_count + 1, received_at = ?,
         first_received_at = coalesce(first_received_at, ?), receipt = ? WHERE seq = ?`,
    );
    this.bySeqStmt = new MessageQuery(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ? AND queue_id = ?`,
    );
    this.deleteStmt = db.prepare('DELETE FROM messages WHERE seq = ?');
    this.setVisibleAtStmt = db.prepare('UPDATE messages SET visible_at = ? WHERE seq = ?');
    this.nextVisibleStmt = db.prepare(
      'SELECT min(visible_at) AS at FROM messages WHERE queue_id = ? AND visible_at > ?',
    );
    this.countsStmt = db.prepare(
      `SELECT
         sum(visible_at <= @now) AS visible,
         sum(visible_at > @now AND receive_count > 0) AS inFlight,
         sum(visible_at > @now AND receive_count = 0) AS delayed
       FROM messages WHERE queue_id = @queue_id AND sent_at > @cutoff`,
    );
    this.expireStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) => `DELETE FROM messages WHERE seq IN
         (SELECT seq FROM messages WHERE queue_id = ? AND sent_at <= ? ORDER BY sent_at LIMIT ${limit})
       RETURNING group_id`,
    );
    this.oldestStmt = db.prepare('SELECT min(sent_at) AS at FROM messages WHERE queue_id = ?');
    this.reapStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) =>
        `DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE queue_id = ? LIMIT ${limit})`,
    );
  }

  /** Inserts one message; returns its seq. */
  insert(message: NewMessage): number {
    this.tally.inserted++;
    return Number((this.insertStmts[0] as Database.Statement).run(columnValues(message)).lastInsertRowid);
  }

  /** Inserts several messages, in order, with as few statements as possible (one per 10 rows). */
  insertMany(messages: readonly NewMessage[]): void {
    this.tally.inserted += messages.length;
    for (let i = 0; i < messages.length; i += MAX_INSERT_ROWS) {
      const chunk = messages.slice(i, i + MAX_INSERT_ROWS);
      (this.insertStmts[chunk.length - 1] as Database.Statement).run(chunk.flatMap(columnValues));
    }
  }

  /** Whether any message of the queue is receivable at `now` (a cheap probe before a receive). */
  anyReady(queueId: number, now: number, cutoff: number): boolean {
    return this.anyReadyStmt.get(queueId, now, cutoff) !== undefined;
  }

  /**
   * Deletes each message whose latest receipt is the given token (at most 10 per call), in one
   * statement; returns the deleted ones (seq and group). Others are left alone.
   */
  deleteIfCurrent(
    queueId: number,
    receipts: ReadonlyArray<{ seq: number; token: string }>,
  ): Array<{ seq: number; group_id: string | null }> {
    if (receipts.length === 0) return [];
    const stmt = this.deleteIfCurrentStmts[receipts.length - 1] as Database.Statement;
    const deleted = stmt.all(
      ...receipts.map((r) => r.seq),
      queueId,
      ...receipts.flatMap((r) => [r.seq, r.token]),
    ) as Array<{
      seq: number;
      group_id: string | null;
    }>;
    this.tally.deleted += deleted.length;
    return deleted;
  }

  /**
   * The first `limit` messages of the queue that are receivable at `now`, oldest first, leaving out
   * those sent at or before `cutoff` (past their retention period).
   */
  ready(queueId: number, now: number, cutoff: number, limit: number): MessageRow[] {
    return this.readyStmt.at(limit).all(queueId, now, cutoff);
  }

  markReceived(seq: number, now: number, visibleAt: number, receipt: string): void {
    this.markReceivedStmt.run(visibleAt, now, now, receipt, seq);
  }

  get(queueId: number, seq: number): MessageRow | undefined {
    return this.bySeqStmt.get(seq, queueId);
  }

  delete(seq: number): void {
    this.tally.deleted += this.deleteStmt.run(seq).changes;
  }

  setVisibleAt(seq: number, visibleAt: number): void {
    this.setVisibleAtStmt.run(visibleAt, seq);
  }

  /** The earliest instant after `now` at which a message of the queue becomes receivable, if any. */
  nextVisibleAt(queueId: number, now: number): number | undefined {
    const row = this.nextVisibleStmt.get(queueId, now) as { at: number | null };
    return row.at ?? undefined;
  }

  /** Counts of the queue's messages at `now`, leaving out those sent at or before `cutoff`. */
  counts(queueId: number, now: number, cutoff: number): MessageCounts {
    const row = this.countsStmt.get({ queue_id: queueId, now, cutoff }) as Record<
      keyof MessageCounts,
      number | null
    >;
    return { visible: row.visible ?? 0, inFlight: row.inFlight ?? 0, delayed: row.delayed ?? 0 };
  }

  /** Deletes up to `limit` messages of a deleted queue; returns how many. */
  reap(queueId: number, limit: number): number {
    return this.reapStmt.at(limit).run(queueId).changes;
  }

  /** Deletes up to `limit` of the queue's messages sent at or before `cutoff`; returns their group ids. */
  expire(queueId: number, cutoff: number, limit: number): Array<string | null> {
    return (this.expireStmt.at(limit).all(queueId, cutoff) as Array<{ group_id: string | null }>).map(
      (r) => r.group_id,
    );
  }

  /** When the queue's oldest message was sent, if it has any. */
  oldestSentAt(queueId: number): number | undefined {
    return (this.oldestStmt.get(queueId) as { at: number | null }).at ?? undefined;
  }
}
