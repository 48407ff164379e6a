import type Database from 'better-sqlite3';

/** A message as stored. Times are ms since the epoch. */
export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  /** Message attributes, JSON-encoded (see `sqs/message-attributes.ts`), or null. */
  attributes: string | null;
  md5_body: string;
  md5_attributes: string | null;
  sent_at: number;
  /** When the message can next be received (after its delay or visibility timeout). */
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  received_at: number | null;
  /** Token of the latest receive; part of the receipt handle. */
  receipt: string | null;
  sender_id: string;
  trace_header: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  dead_letter_source_arn: string | null;
}

export type NewMessage = Omit<
  MessageRow,
  'seq' | 'receive_count' | 'first_received_at' | 'received_at' | 'receipt'
>;

/** Message counts of one queue, as `GetQueueAttributes` reports them. */
export interface MessageCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** Prepared statements over the `messages` table. */
export class MessageTable {
  private readonly insertStmt;
  private readonly readyStmt;
  private readonly markReceivedStmt;
  private readonly bySeqStmt;
  private readonly deleteStmt;
  private readonly setVisibleAtStmt;
  private readonly nextVisibleStmt;
  private readonly countsStmt;
  private readonly purgeStmt;
  private readonly expireStmt;
  private readonly oldestStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO messages (queue_id, message_id, body, attributes, md5_body, md5_attributes, sent_at, visible_at,
         sender_id, trace_header, group_id, dedup_id, sequence_number, dead_letter_source_arn)
       VALUES (@queue_id, @message_id, @body, @attributes, @md5_body, @md5_attributes, @sent_at, @visible_at,
         @sender_id, @trace_header, @group_id, @dedup_id, @sequence_number, @dead_letter_source_arn)`,
    );
    this.readyStmt = db.prepare(
      'SELECT * FROM messages WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? ORDER BY visible_at LIMIT ?',
    );
    this.markReceivedStmt = db.prepare(
      `UPDATE messages SET visible_at = ?, receive_count = receive_count + 1, received_at = ?,
         first_received_at = coalesce(first_received_at, ?), receipt = ? WHERE seq = ?`,
    );
    this.bySeqStmt = db.prepare('SELECT * FROM messages WHERE seq = ? AND queue_id = ?');
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
    this.expireStmt = db.prepare(
      `DELETE FROM messages WHERE seq IN
         (SELECT seq FROM messages WHERE queue_id = ? AND sent_at <= ? ORDER BY sent_at LIMIT ?)
       RETURNING group_id`,
    );
    this.oldestStmt = db.prepare('SELECT min(sent_at) AS at FROM messages WHERE queue_id = ?');
    this.purgeStmt = db.prepare('DELETE FROM messages WHERE queue_id = ? AND sent_at <= ?');
  }

  insert(message: NewMessage): number {
    return Number(this.insertStmt.run(message).lastInsertRowid);
  }

  /**
   * The first `limit` messages of the queue that are receivable at `now`, oldest first, leaving out
   * those sent at or before `cutoff` (past their retention period).
   */
  ready(queueId: number, now: number, cutoff: number, limit: number): MessageRow[] {
    return this.readyStmt.all(queueId, now, cutoff, limit) as MessageRow[];
  }

  markReceived(seq: number, now: number, visibleAt: number, receipt: string): void {
    this.markReceivedStmt.run(visibleAt, now, now, receipt, seq);
  }

  get(queueId: number, seq: number): MessageRow | undefined {
    return this.bySeqStmt.get(seq, queueId) as MessageRow | undefined;
  }

  delete(seq: number): void {
    this.deleteStmt.run(seq);
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

  /** Deletes the queue's messages sent at or before `before`; returns how many. */
  purge(queueId: number, before: number): number {
    return this.purgeStmt.run(queueId, before).changes;
  }

  /** Deletes up to `limit` of the queue's messages sent at or before `cutoff`; returns their group ids. */
  expire(queueId: number, cutoff: number, limit: number): Array<string | null> {
    return (this.expireStmt.all(queueId, cutoff, limit) as Array<{ group_id: string | null }>).map(
      (r) => r.group_id,
    );
  }

  /** When the queue's oldest message was sent, if it has any. */
  oldestSentAt(queueId: number): number | undefined {
    return (this.oldestStmt.get(queueId) as { at: number | null }).at ?? undefined;
  }
}
