/** The rows the store contract speaks in (engine-neutral: no SQLite type). Times are ms since the epoch. */

/** A message as stored: one row of `messages`. Times are ms since the epoch. */
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

/** A deduplication entry: a message accepted under a deduplication id, until `expires_at`. */
export interface DedupRow {
  message_id: string;
  sequence_number: string | null;
  expires_at: number;
}

/** The states of a message move task, as `ListMessageMoveTasks` reports them. */
export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

/** A message move task as stored. Times are ms since the epoch. */
export interface MoveTaskRow {
  task_id: string;
  source_arn: string;
  /** Null: each message goes back to the queue it was dead-lettered from. */
  destination_arn: string | null;
  /** Null: as fast as the broker moves them. */
  max_per_second: number | null;
  status: MoveTaskStatus;
  moved: number;
  to_move: number;
  /** The task moves the source's messages with `seq <= max_seq` (those there when it started). */
  max_seq: number;
  failure_reason: string | null;
  started_at: number;
}

/** A message as the dashboard shows it: the stored row without its receipt token. */
export type PeekedRow = Omit<MessageRow, 'receipt' | 'md5_attributes' | 'trace_header'>;

/** The pending HTTP/S deliveries of one subscription. Times are ms since the epoch. */
export interface PendingDeliveries {
  subscription_arn: string;
  pending: number;
  /** Most attempts made so far by one of them (0: none attempted yet). */
  max_attempts: number;
  /** When the next attempt is due. */
  next_due_at: number;
  /** When the oldest of them was created. */
  oldest_at: number;
}

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

/** An HTTP/S delivery not yet acknowledged by its endpoint. Times are ms since the epoch. */
export interface DeliveryRow {
  id: number;
  subscription_arn: string;
  /** `Notification` or `SubscriptionConfirmation`. */
  kind: string;
  message_id: string;
  /** The request body: the JSON envelope, or the raw message. */
  body: string;
  raw: number;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due. */
  due_at: number;
  created_at: number;
}

export type NewDelivery = Omit<DeliveryRow, 'id' | 'attempts'>;

/** An SNS topic as stored. */
export interface TopicRow {
  arn: string;
  region: string;
  name: string;
  /** Settable attributes, JSON-encoded. */
  attributes: string;
  /** Tags, JSON-encoded. */
  tags: string;
  last_sequence: number;
  created_at: number;
}

/** An SNS subscription as stored. */
export interface SubscriptionRow {
  arn: string;
  topic_arn: string;
  protocol: string;
  endpoint: string;
  /** Settable attributes, JSON-encoded. */
  attributes: string;
  confirmed: number;
  /** Authenticates the confirmation and unsubscribe links. */
  token: string;
  created_at: number;
}

/** A message of a FIFO topic's archive (ArchivePolicy), kept for replays. */
export interface ArchivedRow {
  topic_arn: string;
  /** The topic's sequence number of the message: unique in the topic, increasing with every publish. */
  seq: number;
  /** Publish time, ms since the epoch. */
  published_at: number;
  /** The notification as published (its members, JSON-encoded). */
  message: string;
}
