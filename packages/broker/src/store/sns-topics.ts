import type { SubscriptionRow, TopicRow } from './rows.js';

export type { SubscriptionRow, TopicRow } from './rows.js';

import type Database from 'better-sqlite3';

/** Prepared statements over `sns_topics` and `sns_subscriptions`. */
export class SnsTopicTables {
  private readonly insertTopicStmt;
  private readonly updateTopicStmt;
  private readonly nextSequenceStmt;
  private readonly deleteTopicStmt;
  private readonly allTopicsStmt;
  private readonly insertSubStmt;
  private readonly updateSubStmt;
  private readonly deleteSubStmt;
  private readonly deleteTopicSubsStmt;
  private readonly allSubsStmt;

  constructor(db: Database.Database) {
    this.insertTopicStmt = db.prepare(
      `INSERT INTO sns_topics (arn, region, name, attributes, tags, created_at)
       VALUES (@arn, @region, @name, @attributes, @tags, @created_at)`,
    );
    this.updateTopicStmt = db.prepare('UPDATE sns_topics SET attributes = ?, tags = ? WHERE arn = ?');
    this.nextSequenceStmt = db.prepare(
      'UPDATE sns_topics SET last_sequence = last_sequence + 1 WHERE arn = ? RETURNING last_sequence',
    );
    this.deleteTopicStmt = db.prepare('DELETE FROM sns_topics WHERE arn = ?');
    this.allTopicsStmt = db.prepare('SELECT * FROM sns_topics');
    this.insertSubStmt = db.prepare(
      `INSERT INTO sns_subscriptions (arn, topic_arn, protocol, endpoint, attributes, confirmed, token, created_at)
       VALUES (@arn, @topic_arn, @protocol, @endpoint, @attributes, @confirmed, @token, @created_at)`,
    );
    this.updateSubStmt = db.prepare(
      'UPDATE sns_subscriptions SET attributes = ?, confirmed = ? WHERE arn = ?',
    );
    this.deleteSubStmt = db.prepare('DELETE FROM sns_subscriptions WHERE arn = ?');
    this.deleteTopicSubsStmt = db.prepare('DELETE FROM sns_subscriptions WHERE topic_arn = ?');
    this.allSubsStmt = db.prepare('SELECT * FROM sns_subscriptions');
  }

  insertTopic(row: TopicRow): void {
    this.insertTopicStmt.run(row);
  }

  updateTopic(arn: string, attributes: string, tags: string): void {
    this.updateTopicStmt.run(attributes, tags, arn);
  }

  /** Increments and returns the topic's sequence number (FIFO topics). */
  nextSequence(arn: string): number {
    return (this.nextSequenceStmt.get(arn) as { last_sequence: number }).last_sequence;
  }

  /** Deletes a topic and its subscriptions. */
  deleteTopic(arn: string): void {
    this.deleteTopicSubsStmt.run(arn);
    this.deleteTopicStmt.run(arn);
  }

  allTopics(): TopicRow[] {
    return this.allTopicsStmt.all() as TopicRow[];
  }

  insertSubscription(row: SubscriptionRow): void {
    this.insertSubStmt.run(row);
  }

  updateSubscription(arn: string, attributes: string, confirmed: boolean): void {
    this.updateSubStmt.run(attributes, confirmed ? 1 : 0, arn);
  }

  deleteSubscription(arn: string): void {
    this.deleteSubStmt.run(arn);
  }

  allSubscriptions(): SubscriptionRow[] {
    return this.allSubsStmt.all() as SubscriptionRow[];
  }
}
