import {
  GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { type Clock, heldClock, sleep } from '../clock.js';
import { MegaError } from '../errors.js';

/**
 * Re-delivers a time range of an SNS FIFO topic's archive (its `ArchivePolicy`) through SNS's own
 * message replay: sets the subscription's `ReplayPolicy` and waits for its `ReplayStatus`. Only the
 * `SNSClient` is used, so it works the same on Amazon SNS and on the broker.
 */

/** A bad replay option: `field` names it, `value` is what was given. */
export class ReplayError extends MegaError {
  override name = 'ReplayError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** SNS's `ReplayStatus` values. */
export type ReplayStatus = 'Pending' | 'In progress' | 'Completed' | 'Failed';

/** Options of {@link replay}. Give exactly one of `subscriptionArn` and `queue`. */
export interface ReplayOptions {
  /** The FIFO topic whose archive is replayed. */
  topicArn: string;
  /** Replay messages published at or after this instant. Must be at or after the topic's BeginningArchiveTime. */
  from: Date;
  /**
   * Replay messages published up to this instant (inclusive). Default: none, the archive up to now.
   * As on SNS, a subscription whose replay has an end receives no new publishes until its ReplayPolicy is removed.
   */
  to?: Date;
  /** Replay into this existing subscription of the topic. */
  subscriptionArn?: string;
  /**
   * Replay into this SQS FIFO queue (name or ARN): it is subscribed to the topic with the ReplayPolicy
   * (or its existing subscription is reused), then the subscription gets
   * the ReplayPolicy, which SNS supports for FIFO SQS subscriptions. On Amazon SQS the queue's policy must let the topic send to it.
   */
  queue?: string;
  /** Subscribe the queue with raw message delivery (no SNS envelope). Default false. */
  raw?: boolean;
  /** Wait for the replay to end (`Completed` or `Failed`). Default true. */
  wait?: boolean;
  /** Time between status reads while waiting, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** Give up waiting after this many ms (the replay goes on). Default 300,000 (5 minutes). */
  timeoutMs?: number;
  /** Clock for the waits. Default real time, on timers that keep the process alive until the replay ends. */
  clock?: Clock;
}

/** What {@link replay} did. */
export interface ReplayResult {
  subscriptionArn: string;
  /** The last status read: `Completed` or `Failed` when waited for, else what SNS said first. */
  status: ReplayStatus;
  /** The ReplayPolicy set, as sent. */
  replayPolicy: string;
}

function checkOptions(o: ReplayOptions): void {
  if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,251}\.fifo$/.test(o.topicArn ?? ''))
    throw new ReplayError(
      'topicArn',
      o.topicArn,
      'must be the ARN of a FIFO topic (its name ends with .fifo)',
    );
  if (!(o.from instanceof Date) || Number.isNaN(o.from.getTime()))
    throw new ReplayError('from', o.from, 'must be a valid Date');
  if (o.to !== undefined) {
    if (!(o.to instanceof Date) || Number.isNaN(o.to.getTime()))
      throw new ReplayError('to', o.to, 'must be a valid Date');
    if (o.to.getTime() < o.from.getTime())
      throw new ReplayError('to', o.to, `must not be before from (${o.from.toISOString()})`);
  }
  if ((o.subscriptionArn === undefined) === (o.queue === undefined))
    throw new ReplayError(
      'subscriptionArn',
      o.subscriptionArn,
      'give exactly one of subscriptionArn and queue',
    );
  if (o.queue !== undefined && !o.queue.endsWith('.fifo'))
    throw new ReplayError(
      'queue',
      o.queue,
      'must be a FIFO queue (SNS FIFO topics deliver only to FIFO queues)',
    );
  for (const field of ['pollIntervalMs', 'timeoutMs'] as const) {
    const v = o[field];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0))
      throw new ReplayError(field, v, 'must be a positive number of milliseconds');
  }
}

/** The queue's ARN: given, or built from its name in the topic's region and account. */
function queueArn(topicArn: string, queue: string): string {
  if (queue.startsWith('arn:')) return queue;
  const [, partition, , region, account] = topicArn.split(':');
  return `arn:${partition}:sqs:${region}:${account}:${queue}`;
}

/**
 * Replays the topic's archived messages from `from` (to `to`) into a subscription or a queue, and by
 * default waits until SNS reports the replay `Completed` or `Failed`. Bad options throw a
 * {@link ReplayError} before any request; SNS's refusals (a range outside the archive: `InvalidParameter`)
 * are thrown as the SDK's errors.
 */
export async function replay(sns: SNSClient, options: ReplayOptions): Promise<ReplayResult> {
  checkOptions(options);
  const policy: Record<string, string> = {
    PointType: 'Timestamp',
    StartingPoint: options.from.toISOString(),
  };
  if (options.to) policy.EndingPoint = options.to.toISOString();
  const replayPolicy = JSON.stringify(policy);
  let subscriptionArn = options.subscriptionArn;
  if (subscriptionArn !== undefined) {
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: subscriptionArn,
        AttributeName: 'ReplayPolicy',
        AttributeValue: replayPolicy,
      }),
    );
  } else {
    const Endpoint = queueArn(options.topicArn, options.queue as string);
    const out = await sns.send(
      new SubscribeCommand({
        TopicArn: options.topicArn,
        Protocol: 'sqs',
        Endpoint,
        Attributes: options.raw ? { RawMessageDelivery: 'true' } : {},
        ReturnSubscriptionArn: true,
      }),
    );
    subscriptionArn = out.SubscriptionArn as string;
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: subscriptionArn,
        AttributeName: 'ReplayPolicy',
        AttributeValue: replayPolicy,
      }),
    );
  }
  // held timers: a CLI awaiting only these polls would otherwise see its event loop empty and exit 0
  // with nothing printed while the replay is still Pending (`mega replay`)
  const clock = options.clock ?? heldClock;
  const deadline = clock.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const { Attributes = {} } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
    );
    const status = (Attributes.ReplayStatus ?? 'Pending') as ReplayStatus;
    if (options.wait === false || status === 'Completed' || status === 'Failed')
      return { subscriptionArn, status, replayPolicy };
    if (clock.now() >= deadline)
      throw new ReplayError('timeoutMs', options.timeoutMs ?? 300_000, `the replay is still ${status}`);
    await sleep(clock, options.pollIntervalMs ?? 1000);
  }
}
