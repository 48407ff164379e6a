import type { PeekedRow, PendingDeliveries } from './rows.js';

export type { PeekedRow, PendingDeliveries } from './rows.js';

import type Database from 'better-sqlite3';
import { Limited } from './limited.js';

/**
 * Read-only statements for the dashboard. Nothing here writes: peeking at a queue neither changes a
 * message's visibility nor counts as a receive.
 */
export class PeekStatements {
  private readonly messagesStmt;
  private readonly deliveriesStmt;

  constructor(db: Database.Database) {
    this.messagesStmt = new Limited(
      (sql) => db.prepare(sql),
      (
        limit,
      ) => `SELECT seq, queue_id, message_id, body, attributes, md5_body, sent_at, visible_at, receive_count,
         first_received_at, received_at, sender_id, group_id, dedup_id, sequence_number, dead_letter_source_arn
       FROM messages WHERE queue_id = ? AND sent_at > ? ORDER BY seq LIMIT ${limit}`,
    );
    this.deliveriesStmt = db.prepare(
      `SELECT subscription_arn, count(*) AS pending, max(attempts) AS max_attempts, min(due_at) AS next_due_at,
         min(created_at) AS oldest_at
       FROM sns_deliveries GROUP BY subscription_arn`,
    );
  }

  /** The queue's first `limit` messages in the order they were stored, leaving out those sent at or before `cutoff`. */
  messages(queueId: number, cutoff: number, limit: number): PeekedRow[] {
    return this.messagesStmt.at(limit).all(queueId, cutoff) as PeekedRow[];
  }

  /** The pending HTTP/S deliveries, by subscription. */
  deliveries(): PendingDeliveries[] {
    return this.deliveriesStmt.all() as PendingDeliveries[];
  }
}
