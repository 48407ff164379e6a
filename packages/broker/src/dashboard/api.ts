/**
 * The dashboard's JSON API, as the page sees it (`/_mega/api/...` and the `/_mega/events` stream).
 * Types only: the page's sources import them too. Times are ms since the epoch.
 */
import type {
  PurgeQueueCommandOutput,
  SendMessageCommandOutput,
  StartMessageMoveTaskCommandOutput,
} from '@aws-sdk/client-sqs';
import type { ActionOutput } from '../action-outputs.js';

/**
 * What each state-changing command (`POST /_mega/api/<command>`) answers: the output of the SQS
 * action it runs (SendMessage, PurgeQueue, StartMessageMoveTask), as the SDK types it.
 */
export interface CommandResults {
  send: ActionOutput<SendMessageCommandOutput>;
  purge: ActionOutput<PurgeQueueCommandOutput>;
  redrive: ActionOutput<StartMessageMoveTaskCommandOutput>;
}

/** A state-changing command of the dashboard. */
export type Command = keyof CommandResults;

/** Messages sent (stored) and deleted in one second. */
export interface ThroughputSample {
  t: number;
  sent: number;
  deleted: number;
}

/** The latest message move task (redrive) of a dead-letter queue, as ListMessageMoveTasks reports it. */
export interface MoveTaskView {
  status: string;
  moved: number;
  toMove: number;
  failureReason?: string;
  startedAt: number;
}

export interface QueueView {
  region: string;
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  /** Receivable now (`ApproximateNumberOfMessages`). */
  visible: number;
  /** Received and not yet visible again (`ApproximateNumberOfMessagesNotVisible`). */
  inFlight: number;
  /** Not yet visible, never received (`ApproximateNumberOfMessagesDelayed`). */
  delayed: number;
  /** The queue's attributes as set (RedrivePolicy, VisibilityTimeout, ...). */
  attributes: Record<string, string>;
  /** Where messages received too often go (the queue's RedrivePolicy). */
  deadLetterTarget?: { arn: string; name: string; maxReceiveCount: number };
  /**
   * Names of the queues whose dead-letter queue this one is: those whose RedrivePolicy names it, and
   * the one an sqs-mega listener dead-lettered its oldest message from ({@link listenerSources}).
   */
  deadLetterSources: string[];
  /**
   * The queue named by the `mega-dead-letter-source` attribute of this queue's oldest message, when no
   * RedrivePolicy names it already: a listener dead-letters into this queue itself (Redrive sends such
   * messages back to their source).
   */
  listenerSources: string[];
  /** The latest redrive out of this queue, when it is a dead-letter queue and had one. */
  moveTask?: MoveTaskView;
}

/** The HTTP/S deliveries of a subscription its endpoint has not acknowledged yet. */
export interface DeliveryView {
  pending: number;
  /** Most attempts made by one of them so far. */
  maxAttempts: number;
  nextDueAt: number;
  oldestAt: number;
}

export interface SubscriptionView {
  arn: string;
  protocol: string;
  endpoint: string;
  confirmed: boolean;
  filterPolicy?: string;
  filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  raw: boolean;
  deadLetterTargetArn?: string;
  /** HTTP/S subscriptions: what is waiting for the endpoint (absent: nothing pending). */
  delivery?: DeliveryView;
}

export interface TopicView {
  arn: string;
  region: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  subscriptions: SubscriptionView[];
}

/** `GET /_mega/api/state`, and the data of each `state` event of `/_mega/events`. */
export interface DashboardState {
  now: number;
  /** Whether the broker implements StartMessageMoveTask (redrive). */
  redrive: boolean;
  queues: QueueView[];
  topics: TopicView[];
  /** The last two minutes of throughput, oldest first, one sample a second. */
  throughput: ThroughputSample[];
}

/** An SNS notification envelope that was unwrapped to show the message inside. */
export interface SnsView {
  topicArn: string;
  messageId: string;
  subject?: string;
  timestamp: string;
  attributes: Record<string, string>;
}

/** A message body decoded as the framework's listener decodes it. */
export type DecodedView = (
  | { kind: 'mega'; encoding: string; name: string; event: unknown }
  | { kind: 'data'; encoding: string; data: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; size: number; hex: string }
  | { kind: 'invalid'; encoding: string; reason: string; field: string; data?: unknown }
  | { kind: 'sns-confirmation'; type: string; topicArn: string; message?: string }
) & { sns?: SnsView };

export interface PeekedMessage {
  messageId: string;
  sentAt: number;
  state: 'visible' | 'inFlight' | 'delayed';
  visibleAt: number;
  receiveCount: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
  /** Message attributes: name → `DataType: value` (binary values in base64). */
  attributes: Record<string, string>;
  /** The body as stored, cut at {@link PEEK_BODY_CHARS} characters. */
  body: string;
  bodyTruncated: boolean;
  decoded: DecodedView;
}

/** `GET /_mega/api/peek?region=&queue=&limit=`. */
export interface PeekResult {
  queue: string;
  messages: PeekedMessage[];
  /** Messages in the queue; `messages` holds the first `limit` of them. */
  total: number;
}

/** Body characters a peek returns per message. */
export const PEEK_BODY_CHARS = 16_384;

/** An error of the API: `{ error: code, message }`. */
export interface ApiError {
  error: string;
  message: string;
}
