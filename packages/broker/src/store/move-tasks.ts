import type { MoveTaskRow, MoveTaskStatus } from './rows.js';

export type { MoveTaskRow, MoveTaskStatus } from './rows.js';

import type Database from 'better-sqlite3';
import { Limited } from './limited.js';
import { MESSAGE_COLUMNS, MessageQuery, type MessageRow } from './message-rows.js';

/** Prepared statements over `move_tasks`, and the message reads a move task needs. */
export class MoveTaskTable {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly bySourceStmt;
  private readonly activeStmt;
  private readonly updateStmt;
  private readonly snapshotStmt;
  private readonly pageStmt;
  private readonly remainingStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO move_tasks (task_id, source_arn, destination_arn, max_per_second, status, moved, to_move,
         max_seq, failure_reason, started_at)
       VALUES (@task_id, @source_arn, @destination_arn, @max_per_second, @status, @moved, @to_move,
         @max_seq, @failure_reason, @started_at)`,
    );
    this.getStmt = db.prepare('SELECT * FROM move_tasks WHERE task_id = ?');
    this.bySourceStmt = new Limited(
      (sql) => db.prepare(sql),
      (limit) => `SELECT * FROM move_tasks WHERE source_arn = ? ORDER BY id DESC LIMIT ${limit}`,
    );
    this.activeStmt = db.prepare(
      `SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY id`,
    );
    this.updateStmt = db.prepare(
      'UPDATE move_tasks SET status = ?, moved = ?, failure_reason = ? WHERE task_id = ?',
    );
    this.snapshotStmt = db.prepare(
      'SELECT count(*) AS n, max(seq) AS top FROM messages WHERE queue_id = ? AND sent_at > ?',
    );
    this.pageStmt = new Limited(
      (sql) => new MessageQuery(db, sql),
      (limit) =>
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ${limit}`,
    );
    this.remainingStmt = db.prepare(
      'SELECT 1 FROM messages WHERE queue_id = ? AND seq <= ? AND sent_at > ? LIMIT 1',
    );
  }

  insert(task: MoveTaskRow): void {
    this.insertStmt.run(task);
  }

  get(taskId: string): MoveTaskRow | undefined {
    return this.getStmt.get(taskId) as MoveTaskRow | undefined;
  }

  /** The source's most recent `limit` tasks, most recent first. */
  bySource(sourceArn: string, limit: number): MoveTaskRow[] {
    return this.bySourceStmt.at(limit).all(sourceArn) as MoveTaskRow[];
  }

  /** Every task still RUNNING or CANCELLING, oldest first. */
  active(): MoveTaskRow[] {
    return this.activeStmt.all() as MoveTaskRow[];
  }

  update(taskId: string, status: MoveTaskStatus, moved: number, failureReason: string | null): void {
    this.updateStmt.run(status, moved, failureReason, taskId);
  }

  /** How many messages the queue holds (leaving out those sent at or before `cutoff`), and its last seq. */
  snapshot(queueId: number, cutoff: number): { count: number; maxSeq: number } {
    const row = this.snapshotStmt.get(queueId, cutoff) as { n: number; top: number | null };
    return { count: row.n, maxSeq: row.top ?? 0 };
  }

  /** The queue's messages with `afterSeq < seq <= maxSeq`, in order, at most `limit`. */
  page(queueId: number, afterSeq: number, maxSeq: number, limit: number): MessageRow[] {
    return this.pageStmt.at(limit).all(queueId, afterSeq, maxSeq);
  }

  /** Whether the queue still holds a message with `seq <= maxSeq` sent after `cutoff`. */
  anyLeft(queueId: number, maxSeq: number, cutoff: number): boolean {
    return this.remainingStmt.get(queueId, maxSeq, cutoff) !== undefined;
  }
}
