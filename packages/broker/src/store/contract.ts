/**
 * The store contract: every queue operation the SQS and SNS layers need, typed, with no engine type
 * in it. `sqs/`, `sns/` and the dashboard talk only to a {@link Store}; two engines implement it:
 *
 * - the SQLite engine (`store/sqlite.ts`), durable: a write is acknowledged after its group commit;
 * - the heap engine (`store/heap/`), plain JS structures for `--in-memory` and the test kit.
 *
 * Both pass the same contract suite (`test/store-contract.test.ts`). Times are ms since the epoch;
 * a message's `seq` is unique in the store and increases with every insert.
 *
 * Rows returned are snapshots: changing one changes nothing stored.
 */

import type {
  ArchivedRow,
  DedupRow,
  DeliveryRow,
  MessageCounts,
  MessageRow,
  MoveTaskRow,
  MoveTaskStatus,
  NewDelivery,
  NewMessage,
  PeekedRow,
  PendingDeliveries,
  QueueRow,
  SubscriptionRow,
  TopicRow,
} from './rows.js';

export type {
  ArchivedRow,
  DedupRow,
  DeliveryRow,
  MessageCounts,
  MessageRow,
  MoveTaskRow,
  MoveTaskStatus,
  NewDelivery,
  NewMessage,
  PeekedRow,
  PendingDeliveries,
  QueueRow,
  SubscriptionRow,
  TopicRow,
};

/**
 * Which engine a store runs on, as `/health` reports it: `sqlite` and `logged` are durable (see
 * `DatabaseOptions.engine`), `memory` is the heap engine.
 */
export type StoreEngine = 'sqlite' | 'logged' | 'memory';

/** The queues. */
export interface QueueStore {
  /** Inserts a queue; returns its id (ids are never reused, even after a delete). */
  insert(row: Omit<QueueRow, 'id' | 'last_purged_at' | 'last_sequence'>): number;
  all(): QueueRow[];
  updateAttributes(id: number, attributes: string, modifiedAt: number): void;
  updateTags(id: number, tags: string): void;
  markPurged(id: number, at: number): void;
  /** Reserves the next `count` (default 1) values of the queue's FIFO sequence counter; returns the first. */
  nextSequence(id: number, count?: number): number;
  /** Deletes the queue and its group bookkeeping at once; its messages stay until {@link MessageStore.reap}. */
  delete(id: number): void;
  /** Deleted queues whose messages are not all reclaimed yet. */
  deadQueues(): number[];
  /** A deleted queue's messages are all reclaimed. */
  forgetDead(id: number): void;
}

/** The messages of every queue. */
export interface MessageStore {
  /** Messages inserted and deleted since the store opened (the dashboard's throughput). */
  readonly tally: { inserted: number; deleted: number };
  /** Inserts one message; returns its seq. */
  insert(message: NewMessage): number;
  /** Inserts several messages, in order. */
  insertMany(messages: readonly NewMessage[]): void;
  /** Whether any message of the queue is receivable at `now` and sent after `cutoff`. */
  anyReady(queueId: number, now: number, cutoff: number): boolean;
  /** Deletes each message whose latest receipt is the given token (at most 10); returns those deleted. */
  deleteIfCurrent(
    queueId: number,
    receipts: ReadonlyArray<{ seq: number; token: string }>,
  ): Array<{ seq: number; group_id: string | null }>;
  /** The first `limit` messages receivable at `now`, sent after `cutoff`, those visible longest first. */
  ready(queueId: number, now: number, cutoff: number, limit: number): MessageRow[];
  /** Records a receive: hidden until `visibleAt`, one more receive, `receipt` as its latest token. */
  markReceived(seq: number, now: number, visibleAt: number, receipt: string): void;
  get(queueId: number, seq: number): MessageRow | undefined;
  delete(seq: number): void;
  setVisibleAt(seq: number, visibleAt: number): void;
  /** The earliest instant after `now` at which a message of the queue becomes receivable, if any. */
  nextVisibleAt(queueId: number, now: number): number | undefined;
  /** Counts at `now`, leaving out messages sent at or before `cutoff`. */
  counts(queueId: number, now: number, cutoff: number): MessageCounts;
  /** Deletes up to `limit` messages of a deleted queue; returns how many. */
  reap(queueId: number, limit: number): number;
  /** Deletes up to `limit` of the queue's messages sent at or before `cutoff`, oldest first; returns their groups. */
  expire(queueId: number, cutoff: number, limit: number): Array<string | null>;
  /** When the queue's oldest message was sent, if it has any. */
  oldestSentAt(queueId: number): number | undefined;
}

/** FIFO groups, deduplication entries and receive attempts. */
export interface FifoStore {
  /** Up to `limit` groups of the queue that can deliver at `now`, by (ready_at, head_seq). */
  readyGroups(queueId: number, now: number, limit: number): string[];
  /** The earliest instant after `now` at which a group of the queue can deliver, if any. */
  nextReadyAt(queueId: number, now: number): number | undefined;
  /** The first `limit` messages of a group after the message `afterSeq` (-1: from the head), in seq order. */
  head(queueId: number, groupId: string, afterSeq: number, limit: number): MessageRow[];
  /** The delivery state of a group's first `limit` messages, in seq order. */
  groupState(
    queueId: number,
    groupId: string,
    limit: number,
  ): Array<Pick<MessageRow, 'seq' | 'visible_at' | 'receive_count'>>;
  /** Sets (or creates) a group's readiness. */
  setGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void;
  /** Creates a group's entry unless it has one. */
  addGroup(queueId: number, groupId: string, readyAt: number, headSeq: number): void;
  deleteGroup(queueId: number, groupId: string): void;
  deleteGroups(queueId: number): void;
  /** The deduplication entry still in its window at `now`, if any. */
  dedup(queueId: number, scope: string, dedupId: string, now: number): DedupRow | undefined;
  putDedup(queueId: number, scope: string, dedupId: string, entry: DedupRow): void;
  /** The stored receipts (JSON) of a receive attempt still in its window at `now`, if any. */
  attempt(queueId: number, attemptId: string, now: number): string | undefined;
  putAttempt(queueId: number, attemptId: string, receipts: string, expiresAt: number): void;
  /** Drops deduplication entries and receive attempts whose window closed; returns the next expiry. */
  expire(now: number): number | undefined;
}

/** The message groups of fair (standard) queues. */
export interface FairStore {
  /** Whether the queue has message groups at all. */
  any(queueId: number): boolean;
  /** Up to `limit` groups, fewest in flight first, then least recently served. */
  candidates(queueId: number, limit: number): string[];
  /** The group's message receivable longest at `now` and sent after `cutoff`. */
  oldestReady(queueId: number, groupId: string, now: number, cutoff: number): MessageRow | undefined;
  /** Records a group (a message of it was sent). */
  add(queueId: number, groupId: string): void;
  /** A message of the group was received at `at`: one more in flight. */
  served(queueId: number, groupId: string, at: number): void;
  /** A message of the group was deleted: one fewer in flight; the group goes when it has no messages. */
  released(queueId: number, groupId: string): void;
  deleteAll(queueId: number): void;
}

/** Message move tasks, and the message reads they need. */
export interface MoveTaskStore {
  insert(task: MoveTaskRow): void;
  get(taskId: string): MoveTaskRow | undefined;
  /** The source's most recent `limit` tasks, most recent first. */
  bySource(sourceArn: string, limit: number): MoveTaskRow[];
  /** Every task still RUNNING or CANCELLING, oldest first. */
  active(): MoveTaskRow[];
  update(taskId: string, status: MoveTaskStatus, moved: number, failureReason: string | null): void;
  /** How many messages the queue holds (sent after `cutoff`), and its last seq (0: none). */
  snapshot(queueId: number, cutoff: number): { count: number; maxSeq: number };
  /** The queue's messages with `afterSeq < seq <= maxSeq`, in seq order, at most `limit`. */
  page(queueId: number, afterSeq: number, maxSeq: number, limit: number): MessageRow[];
  /** Whether the queue still holds a message with `seq <= maxSeq` sent after `cutoff`. */
  anyLeft(queueId: number, maxSeq: number, cutoff: number): boolean;
}

/** SNS topics and subscriptions. */
export interface SnsTopicStore {
  insertTopic(row: TopicRow): void;
  updateTopic(arn: string, attributes: string, tags: string): void;
  /** Increments and returns the topic's sequence number (FIFO topics). */
  nextSequence(arn: string): number;
  /** Deletes a topic and its subscriptions. */
  deleteTopic(arn: string): void;
  allTopics(): TopicRow[];
  insertSubscription(row: SubscriptionRow): void;
  updateSubscription(arn: string, attributes: string, confirmed: boolean): void;
  deleteSubscription(arn: string): void;
  allSubscriptions(): SubscriptionRow[];
}

/** The HTTP/S deliveries not yet acknowledged. */
export interface SnsDeliveryStore {
  /** Stores a delivery; returns its id. */
  insert(row: NewDelivery): number;
  /** Up to `limit` deliveries due at `now`, by (due_at, id). */
  due(now: number, limit: number): DeliveryRow[];
  retry(id: number, attempts: number, dueAt: number): void;
  delete(id: number): void;
  deleteForSubscription(arn: string): void;
}

/**
 * The message archives of FIFO topics (ArchivePolicy): messages by topic and sequence number, read back
 * in order by replays, expired by publish time.
 */
export interface SnsArchiveStore {
  insert(row: ArchivedRow): void;
  /**
   * Up to `limit` of the topic's messages with `seq > afterSeq` published from `from` to `to`
   * (inclusive), in seq order.
   */
  range(topicArn: string, from: number, to: number, afterSeq: number, limit: number): ArchivedRow[];
  /** When the topic's oldest archived message was published, if it has any. */
  oldest(topicArn: string): number | undefined;
  /** Deletes up to `limit` of the topic's messages published at or before `cutoff`, oldest first; returns how many. */
  expire(topicArn: string, cutoff: number, limit: number): number;
  /** Deletes the topic's whole archive. */
  deleteTopic(topicArn: string): void;
}

/** Read-only views for the dashboard: peeking changes no visibility and counts as no receive. */
export interface PeekStore {
  /** The queue's first `limit` messages by seq, sent after `cutoff`. */
  messages(queueId: number, cutoff: number, limit: number): PeekedRow[];
  /** The pending HTTP/S deliveries, by subscription. */
  deliveries(): PendingDeliveries[];
}

/**
 * A store: the tables above, and writes. Every change happens inside {@link Store.write}, which runs
 * its function at once, atomically, and resolves after the change is committed (durable on the SQLite
 * engine; at once on the heap engine).
 */
export interface Store {
  /** `sqlite` or `logged` (durable), or `memory` (the heap engine). */
  readonly engine: StoreEngine;
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly fifo: FifoStore;
  readonly fair: FairStore;
  readonly moveTasks: MoveTaskStore;
  readonly snsTopics: SnsTopicStore;
  readonly snsDeliveries: SnsDeliveryStore;
  readonly snsArchive: SnsArchiveStore;
  readonly peek: PeekStore;
  /**
   * Runs `fn` now as one atomic write; resolves with its result once committed. Rejects with `fn`'s
   * error (none of its writes stay), or with the commit's failure.
   */
  write<T>(fn: () => T): Promise<T>;
  /** Runs `fn` once the current write is committed (at once when none is open). */
  afterCommit(fn: () => void): void;
  /**
   * Calls `fn` with the duration, in seconds, of every commit that reaches storage (the SQLite
   * engine's group COMMIT, fsync included with `fsync: true`). The heap engine never calls it: its
   * commits touch no storage. One listener; a later call replaces it.
   */
  onCommitTime(fn: (seconds: number) => void): void;
  /**
   * A promise while writes are being committed away from the event loop (the logged engine's worker
   * thread), settling once none is left; undefined when there are none. For a test's manual clock,
   * which waits on it (`TestClock.waitFor`). Engines that commit on the event loop have no method.
   */
  busy?(): Promise<void> | undefined;
  /** Commits what is pending and releases the engine's resources. */
  close(): Promise<void>;
}
