import type Database from 'better-sqlite3';
import type { SnsArchiveStore } from './contract.js';
import { Limited } from './limited.js';
import type { ArchivedRow } from './rows.js';

/** Prepared statements over `sns_archive`, the FIFO topics' message archives. */
export class SnsArchiveTable implements SnsArchiveStore {
  private readonly insertStmt;
  private readonly rangeStmt;
  private readonly oldestStmt;
  private readonly expireStmt;
  private readonly deleteTopicStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO sns_archive (topic_arn, seq, published_at, message)
       VALUES (@topic_arn, @seq, @published_at, @message)`,
    );
    this.rangeStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) =>
        `SELECT * FROM sns_archive WHERE topic_arn = ? AND seq > ? AND published_at >= ? AND published_at <= ?
         ORDER BY seq LIMIT ${limit}`,
    );
    this.oldestStmt = db.prepare('SELECT MIN(published_at) AS oldest FROM sns_archive WHERE topic_arn = ?');
    this.expireStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) =>
        `DELETE FROM sns_archive WHERE topic_arn = ? AND seq IN (
           SELECT seq FROM sns_archive WHERE topic_arn = ? AND published_at <= ? ORDER BY seq LIMIT ${limit})`,
    );
    this.deleteTopicStmt = db.prepare('DELETE FROM sns_archive WHERE topic_arn = ?');
  }

  insert(row: ArchivedRow): void {
    this.insertStmt.run(row);
  }

  range(topicArn: string, from: number, to: number, afterSeq: number, limit: number): ArchivedRow[] {
    return this.rangeStmt.at(limit).all(topicArn, afterSeq, from, to) as ArchivedRow[];
  }

  oldest(topicArn: string): number | undefined {
    return (this.oldestStmt.get(topicArn) as { oldest: number | null }).oldest ?? undefined;
  }

  expire(topicArn: string, cutoff: number, limit: number): number {
    return this.expireStmt.at(limit).run(topicArn, topicArn, cutoff).changes;
  }

  deleteTopic(topicArn: string): void {
    this.deleteTopicStmt.run(topicArn);
  }
}
