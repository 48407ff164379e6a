/**
 * The SQS layer's types: queues and the narrow port its helpers act on ({@link QueuePort}), then the
 * action inputs and outputs in the shape of the SQS JSON 1.0 protocol (the AWS model's member names;
 * blobs as base64 strings). Both wire codecs produce and consume these shapes, so each action has one
 * implementation whatever protocol carried it. Inputs come from the network: every member is optional
 * and checked by the action. Types only: this module imports no code.
 */

import type { Clock } from '../clock.js';
import type { Store } from '../store/contract.js';

/** A parsed RedrivePolicy. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** Parsed numeric settings of a queue. Times in seconds, sizes in bytes. */
export interface QueueSettings {
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  receiveMessageWaitTimeSeconds: number;
  visibilityTimeout: number;
  /** The dead-letter queue and receive limit, when the queue has a RedrivePolicy. */
  redrivePolicy?: RedrivePolicy;
}

/** A queue, as the actions see it: the stored row, parsed. */
export interface Queue {
  readonly id: number;
  readonly region: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly arn: string;
  attributes: Record<string, string>;
  settings: QueueSettings;
  tags: Record<string, string>;
  readonly createdAt: number;
  modifiedAt: number;
  lastPurgedAt: number | null;
}

/** The queues the broker has, as the background workers see them. */
export interface QueueDirectory {
  /** Every queue of every region. */
  all(): Queue[];
}

/** Asks the retention sweeper to run by a given instant (`Sweeper`, `retention.ts`). */
export interface SweepSchedule {
  /** A sweep is needed at `at` (ms since epoch) at the latest. */
  due(at: number): void;
}

/** The long-poll waiters, as the queue helpers see them (`LongPolls`, `long-poll.ts`). */
export interface PollSignal {
  /** Wakes every receive waiting on the queue. */
  notify(queueId: number): void;
  /** True once the broker is stopping: background work ends. */
  readonly isClosed: boolean;
}

/**
 * The narrow port the queue helpers (FIFO groups, fair groups, dead-lettering, the retention sweeper,
 * message move tasks) act on: the store, the clock, the queues, the sweeper and the long polls; not
 * the whole `SqsState` (as ElasticMQ's `*Ops` depend on a storage trait, not on the queue actor).
 * `SqsState` is one; each helper takes the part of it it uses (`Pick<QueuePort, ...>`).
 */
export interface QueuePort {
  readonly store: Store;
  readonly clock: Clock;
  readonly queues: QueueDirectory;
  readonly sweeper: SweepSchedule;
  readonly polls: PollSignal;
  /** The queue an ARN names (`arn:aws:sqs:REGION:ACCOUNT:NAME`), if it exists. */
  byArn(arn: string): Queue | undefined;
}

/**
 * A message attribute value as it travels on the wire (`BinaryValue` in base64). SQS reserves
 * `StringListValues` and `BinaryListValues` and implements neither: the broker never stores them.
 */
export interface MessageAttributeValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type AttributeMap = Record<string, MessageAttributeValue>;

/** A received message, as `ReceiveMessage` returns it. */
export interface MessageOutput {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: AttributeMap;
}

/** A failed entry of a batch action. */
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** What an action knows about the request that carried it. */
export interface RequestContext {
  /** Region from the SigV4 credential scope, else the broker's default. */
  region: string;
  /** `http://host:port` as the client addressed the broker; queue URLs are built on it. */
  origin: string;
  /** The caller's access key id when the request was signed; reported as `SenderId`. */
  accessKeyId?: string;
  /** Aborted when the client goes away before the answer (a long poll then stops, taking nothing). */
  signal?: AbortSignal;
  /** The request's `X-Amzn-Trace-Id` header (X-Ray), which SendMessage keeps as `AWSTraceHeader`. */
  traceHeader?: string;
}
