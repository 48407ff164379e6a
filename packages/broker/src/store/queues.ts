import type { QueueRow } from './rows.js';

export type { QueueRow } from './rows.js';

import type Database from 'better-sqlite3';

/** Prepared statements over the `queues` table. */
export class QueueTable {
  private readonly insertStmt;
  private readonly allStmt;
  private readonly updateAttributesStmt;
  private readonly updateTagsStmt;
  private readonly updatePurgedStmt;
  private readonly nextSequenceStmt;
  private readonly deleteStmt;
  private readonly buryStmt;
  private readonly deadStmt;
  private readonly forgetDeadStmt;
  private readonly deleteSideStmts;

  constructor(db: Database.Database) {
    // ids are never reused: a deleted queue's messages may still be waiting to be reclaimed
    this.insertStmt = db.prepare(
      `INSERT INTO queues (id, region, name, fifo, attributes, tags, created_at, modified_at)
       VALUES (max(coalesce((SELECT max(id) FROM queues), 0), coalesce((SELECT max(queue_id) FROM dead_queues), 0)) + 1,
         @region, @name, @fifo, @attributes, @tags, @created_at, @modified_at)`,
    );
    this.buryStmt = db.prepare('INSERT OR IGNORE INTO dead_queues (queue_id) VALUES (?)');
    this.deadStmt = db.prepare('SELECT queue_id FROM dead_queues');
    this.forgetDeadStmt = db.prepare('DELETE FROM dead_queues WHERE queue_id = ?');
    this.allStmt = db.prepare('SELECT * FROM queues');
    this.updateAttributesStmt = db.prepare('UPDATE queues SET attributes = ?, modified_at = ? WHERE id = ?');
    this.updateTagsStmt = db.prepare('UPDATE queues SET tags = ? WHERE id = ?');
    this.updatePurgedStmt = db.prepare('UPDATE queues SET last_purged_at = ? WHERE id = ?');
    this.nextSequenceStmt = db.prepare(
      'UPDATE queues SET last_sequence = last_sequence + ? WHERE id = ? RETURNING last_sequence',
    );
    this.deleteStmt = db.prepare('DELETE FROM queues WHERE id = ?');
    this.deleteSideStmts = ['fifo_groups', 'fair_groups', 'dedup', 'receive_attempts'].map((table) =>
      db.prepare(`DELETE FROM ${table} WHERE queue_id = ?`),
    );
  }

  insert(row: Omit<QueueRow, 'id' | 'last_purged_at' | 'last_sequence'>): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  all(): QueueRow[] {
    return this.allStmt.all() as QueueRow[];
  }

  updateAttributes(id: number, attributes: string, modifiedAt: number): void {
    this.updateAttributesStmt.run(attributes, modifiedAt, id);
  }

  updateTags(id: number, tags: string): void {
    this.updateTagsStmt.run(tags, id);
  }

  markPurged(id: number, at: number): void {
    this.updatePurgedStmt.run(at, id);
  }

  /**
   * Reserves the next `count` (default 1) values of the queue's FIFO sequence counter; returns the
   * first. Values reserved and not used leave gaps, as SQS's non-consecutive sequence numbers may.
   */
  nextSequence(id: number, count = 1): number {
    return (this.nextSequenceStmt.get(count, id) as { last_sequence: number }).last_sequence - count + 1;
  }

  /** Deletes the queue, every message in it and its FIFO bookkeeping. */
  /**
   * Deletes the queue at once; its messages stay until the sweeper reclaims them in chunks
   * ({@link QueueTable.deadQueues}).
   */
  delete(id: number): void {
    for (const stmt of this.deleteSideStmts) stmt.run(id);
    this.deleteStmt.run(id);
    this.buryStmt.run(id);
  }

  /** Deleted queues whose messages are not all reclaimed yet. */
  deadQueues(): number[] {
    return (this.deadStmt.all() as Array<{ queue_id: number }>).map((r) => r.queue_id);
  }

  /** A deleted queue's messages are all reclaimed. */
  forgetDead(id: number): void {
    this.forgetDeadStmt.run(id);
  }
}
