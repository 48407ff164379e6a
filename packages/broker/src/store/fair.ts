import type Database from 'better-sqlite3';
import { Limited } from './limited.js';
import { MESSAGE_COLUMNS, MessageQuery, type MessageRow } from './message-rows.js';

/** Prepared statements over the message groups of fair (standard) queues. */
export class FairTable {
  private readonly anyStmt;
  private readonly candidatesStmt;
  private readonly oldestReadyStmt;
  private readonly addStmt;
  private readonly servedStmt;
  private readonly releasedStmt;
  private readonly hasMessagesStmt;
  private readonly deleteStmt;
  private readonly deleteAllStmt;

  constructor(db: Database.Database) {
    this.anyStmt = db.prepare('SELECT 1 FROM fair_groups WHERE queue_id = ? LIMIT 1');
    this.candidatesStmt = new Limited(
      (sql) => db.prepare(sql).pluck(),
      (limit) =>
        `SELECT group_id FROM fair_groups WHERE queue_id = ? ORDER BY in_flight, served LIMIT ${limit}`,
    );
    this.oldestReadyStmt = new MessageQuery(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND group_id = ? AND visible_at <= ? AND sent_at > ?
       ORDER BY visible_at LIMIT 1`,
    );
    this.addStmt = db.prepare(
      'INSERT INTO fair_groups (queue_id, group_id) VALUES (?, ?) ON CONFLICT (queue_id, group_id) DO NOTHING',
    );
    this.servedStmt = db.prepare(
      'UPDATE fair_groups SET in_flight = in_flight + 1, served = ? WHERE queue_id = ? AND group_id = ?',
    );
    this.releasedStmt = db.prepare(
      'UPDATE fair_groups SET in_flight = max(in_flight - 1, 0) WHERE queue_id = ? AND group_id = ?',
    );
    this.hasMessagesStmt = db.prepare('SELECT 1 FROM messages WHERE queue_id = ? AND group_id = ? LIMIT 1');
    this.deleteStmt = db.prepare('DELETE FROM fair_groups WHERE queue_id = ? AND group_id = ?');
    this.deleteAllStmt = db.prepare('DELETE FROM fair_groups WHERE queue_id = ?');
  }

  /** Whether the queue has message groups at all. */
  any(queueId: number): boolean {
    return this.anyStmt.get(queueId) !== undefined;
  }

  /** Up to `limit` groups, fewest in flight first, then least recently served. */
  candidates(queueId: number, limit: number): string[] {
    return this.candidatesStmt.at(limit).all(queueId) as string[];
  }

  /** The group's oldest message receivable at `now` and sent after `cutoff`. */
  oldestReady(queueId: number, groupId: string, now: number, cutoff: number): MessageRow | undefined {
    return this.oldestReadyStmt.get(queueId, groupId, now, cutoff);
  }

  add(queueId: number, groupId: string): void {
    this.addStmt.run(queueId, groupId);
  }

  served(queueId: number, groupId: string, at: number): void {
    this.servedStmt.run(at, queueId, groupId);
  }

  /** A message of the group was deleted: one fewer in flight; the group goes when it is empty. */
  released(queueId: number, groupId: string): void {
    this.releasedStmt.run(queueId, groupId);
    if (this.hasMessagesStmt.get(queueId, groupId) === undefined) this.deleteStmt.run(queueId, groupId);
  }

  deleteAll(queueId: number): void {
    this.deleteAllStmt.run(queueId);
  }
}
