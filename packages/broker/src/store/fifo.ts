import type { DedupRow } from './rows.js';

export type { DedupRow } from './rows.js';

import type Database from 'better-sqlite3';
import { Limited } from './limited.js';
import { MESSAGE_COLUMNS, MessageQuery, type MessageRow } from './message-rows.js';

/** Prepared statements over FIFO groups, deduplication entries and receive attempts. */
export class FifoTable {
  private readonly readyGroupsStmt;
  private readonly nextReadyStmt;
  private readonly groupHeadStmt;
  private readonly groupStateStmt;
  private readonly upsertGroupStmt;
  private readonly addGroupStmt;
  private readonly deleteGroupStmt;
  private readonly deleteGroupsStmt;
  private readonly dedupGetStmt;
  private readonly dedupPutStmt;
  private readonly dedupExpireStmt;
  private readonly dedupNextStmt;
  private readonly attemptGetStmt;
  private readonly attemptPutStmt;
  private readonly attemptExpireStmt;
  private readonly attemptNextStmt;

  constructor(db: Database.Database) {
    this.readyGroupsStmt = new Limited(
      (sql) => db.prepare(sql).pluck(),
      (limit) =>
        `SELECT group_id FROM fifo_groups WHERE queue_id = ? AND ready_at <= ? ORDER BY ready_at, head_seq LIMIT ${limit}`,
    );
    this.nextReadyStmt = db.prepare(
      'SELECT min(ready_at) AS at FROM fifo_groups WHERE queue_id = ? AND ready_at > ?',
    );
    this.groupHeadStmt = new Limited(
      (sql) => new MessageQuery(db, sql),
      (limit) =>
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND group_id = ? AND seq > ? ORDER BY seq LIMIT ${limit}`,
    );
    this.groupStateStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) =>
        `SELECT seq, visible_at, receive_count FROM messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT ${limit}`,
    );
    this.upsertGroupStmt = db.prepare(
      `INSERT INTO fifo_groups (queue_id, group_id, ready_at, head_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue_id, group_id) DO UPDATE SET ready_at = excluded.ready_at, head_seq = excluded.head_seq`,
    );
    this.addGroupStmt = db.prepare(
      `INSERT INTO fifo_groups (queue_id, group_id, ready_at, head_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue_id, group_id) DO NOTHING`,
    );
    this.deleteGroupStmt = db.prepare('DELETE FROM fifo_groups WHERE queue_id = ? AND group_id = ?');
    this.deleteGroupsStmt = db.prepare('DELETE FROM fifo_groups WHERE queue_id = ?');
    this.dedupGetStmt = db.prepare(
      'SELECT message_id, sequence_number, expires_at FROM dedup WHERE queue_id = ? AND scope = ? AND dedup_id = ? AND expires_at > ?',
    );
    this.dedupPutStmt = db.prepare(
      `INSERT INTO dedup (queue_id, scope, dedup_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET message_id = excluded.message_id,
         sequence_number = excluded.sequence_number, expires_at = excluded.expires_at`,
    );
    this.dedupExpireStmt = db.prepare('DELETE FROM dedup WHERE expires_at <= ?');
    this.dedupNextStmt = db.prepare('SELECT min(expires_at) AS at FROM dedup');
    this.attemptGetStmt = db.prepare(
      'SELECT receipts FROM receive_attempts WHERE queue_id = ? AND attempt_id = ? AND expires_at > ?',
    );
    this.attemptPutStmt = db.prepare(
      `INSERT INTO receive_attempts (queue_id, attempt_id, receipts, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue_id, attempt_id) DO UPDATE SET receipts = excluded.receipts, expires_at = excluded.expires_at`,
    );
    this.attemptExpireStmt = db.prepare('DELETE FROM receive_attempts WHERE expires_at <= ?');
    this.attemptNextStmt = db.prepare('SELECT min(expires_at) AS at FROM receive_attempts');
  }

  /** Up to `limit` groups of the queue that can deliver at `now`, those ready longest first. */
  readyGroups(queueId: number, now: number, limit: number): string[] {
    return this.readyGroupsStmt.at(limit).all(queueId, now) as string[];
  }

  /** The earliest instant after `now` at which a group of the queue can deliver, if any. */
  nextReadyAt(queueId: number, now: number): number | undefined {
    return (this.nextReadyStmt.get(queueId, now) as { at: number | null }).at ?? undefined;
  }

  /** The first `limit` messages of a group after the message `afterSeq` (-1: from the head), in order. */
  head(queueId: number, groupId: string, afterSeq: number, limit: number): MessageRow[] {
    return this.groupHeadStmt.at(limit).all(queueId, groupId, afterSeq);
  }

  /**
   * The delivery state (no bodies) of a group's first `limit` messages, in order: what deciding when
   * the group can next deliver needs.
   */
  groupState(
    queueId: number,
    groupId: string,
    limit: number,
  ): Array<Pick<MessageRow, 'seq' | 'visible_at' | 'receive_count'>> {
    return this.groupStateStmt.at(limit).all(queueId, groupId) as Array<
      Pick<MessageRow, 'seq' | 'visible_at' | 'receive_count'>
    >;
  }

  setGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    this.upsertGroupStmt.run(queueId, groupId, readyAt, headSeq);
  }

  /** Creates a group's row unless it has one (a row exists exactly while the group has messages). */
  addGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void {
    this.addGroupStmt.run(queueId, groupId, readyAt, headSeq);
  }

  deleteGroup(queueId: number, groupId: string): void {
    this.deleteGroupStmt.run(queueId, groupId);
  }

  deleteGroups(queueId: number): void {
    this.deleteGroupsStmt.run(queueId);
  }

  dedup(queueId: number, scope: string, dedupId: string, now: number): DedupRow | undefined {
    return this.dedupGetStmt.get(queueId, scope, dedupId, now) as DedupRow | undefined;
  }

  putDedup(queueId: number, scope: string, dedupId: string, entry: DedupRow): void {
    this.dedupPutStmt.run(queueId, scope, dedupId, entry.message_id, entry.sequence_number, entry.expires_at);
  }

  /** The stored receipts (JSON) of a receive attempt still in its window, if any. */
  attempt(queueId: number, attemptId: string, now: number): string | undefined {
    return (this.attemptGetStmt.get(queueId, attemptId, now) as { receipts: string } | undefined)?.receipts;
  }

  putAttempt(queueId: number, attemptId: string, receipts: string, expiresAt: number): void {
    this.attemptPutStmt.run(queueId, attemptId, receipts, expiresAt);
  }

  /** Drops deduplication entries and receive attempts whose window closed; returns the next expiry. */
  expire(now: number): number | undefined {
    this.dedupExpireStmt.run(now);
    this.attemptExpireStmt.run(now);
    const a = (this.dedupNextStmt.get() as { at: number | null }).at;
    const b = (this.attemptNextStmt.get() as { at: number | null }).at;
    if (a === null) return b ?? undefined;
    return b === null ? a : Math.min(a, b);
  }
}
