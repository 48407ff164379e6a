import type { DeliveryRow, NewDelivery } from './rows.js';

export type { DeliveryRow, NewDelivery } from './rows.js';

import type Database from 'better-sqlite3';
import { Limited } from './limited.js';

/** Prepared statements over `sns_deliveries`, the durable queue of HTTP/S deliveries. */
export class SnsDeliveryTable {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly retryStmt;
  private readonly deleteStmt;
  private readonly deleteBySubStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO sns_deliveries (subscription_arn, kind, message_id, body, raw, due_at, created_at)
       VALUES (@subscription_arn, @kind, @message_id, @body, @raw, @due_at, @created_at)`,
    );
    this.dueStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) => `SELECT * FROM sns_deliveries WHERE due_at <= ? ORDER BY due_at, id LIMIT ${limit}`,
    );
    this.retryStmt = db.prepare('UPDATE sns_deliveries SET attempts = ?, due_at = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM sns_deliveries WHERE id = ?');
    this.deleteBySubStmt = db.prepare('DELETE FROM sns_deliveries WHERE subscription_arn = ?');
  }

  insert(row: NewDelivery): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  /** Up to `limit` deliveries due at `now`, oldest first. */
  due(now: number, limit: number): DeliveryRow[] {
    return this.dueStmt.at(limit).all(now) as DeliveryRow[];
  }

  retry(id: number, attempts: number, dueAt: number): void {
    this.retryStmt.run(attempts, dueAt, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  deleteForSubscription(arn: string): void {
    this.deleteBySubStmt.run(arn);
  }
}
