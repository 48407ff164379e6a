import type Database from 'better-sqlite3';

/** A queue as stored. `attributes` and `tags` hold JSON objects of strings. */
export interface QueueRow {
  id: number;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
  last_purged_at: number | null;
  last_sequence: number;
}

/** Prepared statements over the `queues` table. */
export class QueueTable {
  private readonly insertStmt;
  private readonly allStmt;
  private readonly updateAttributesStmt;
  private readonly updateTagsStmt;
  private readonly updatePurgedStmt;
  private readonly nextSequenceStmt;
  private readonly deleteStmt;
  private readonly deleteMessagesStmt;
  private readonly deleteSideStmts;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO queues (region, name, fifo, attributes, tags, created_at, modified_at)
       VALUES (@region, @name, @fifo, @attributes, @tags, @created_at, @modified_at)`,
    );
    this.allStmt = db.prepare('SELECT * FROM queues');
    this.updateAttributesStmt = db.prepare('UPDATE queues SET attributes = ?, modified_at = ? WHERE id = ?');
    this.updateTagsStmt = db.prepare('UPDATE queues SET tags = ? WHERE id = ?');
    this.updatePurgedStmt = db.prepare('UPDATE queues SET last_purged_at = ? WHERE id = ?');
    this.nextSequenceStmt = db.prepare(
      'UPDATE queues SET last_sequence = last_sequence + 1 WHERE id = ? RETURNING last_sequence',
    );
    this.deleteStmt = db.prepare('DELETE FROM queues WHERE id = ?');
    this.deleteMessagesStmt = db.prepare('DELETE FROM messages WHERE queue_id = ?');
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

  /** Increments and returns the queue's FIFO sequence counter. */
  nextSequence(id: number): number {
    return (this.nextSequenceStmt.get(id) as { last_sequence: number }).last_sequence;
  }

  /** Deletes the queue, every message in it and its FIFO bookkeeping. */
  delete(id: number): void {
    this.deleteMessagesStmt.run(id);
    for (const stmt of this.deleteSideStmts) stmt.run(id);
    this.deleteStmt.run(id);
  }
}
