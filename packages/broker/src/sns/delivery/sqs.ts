import { AwsError } from '../../errors.js';
import type { Deliveries } from '../../sqs/deliver.js';
import type { AttributeMap, RequestContext } from '../../sqs/types.js';
import { type Notification, notificationEnvelope } from '../envelope.js';
import type { SnsState } from '../state.js';
import type { Subscription, Topic } from '../types.js';
import { deadLetter } from './dead-letter.js';
import { report } from './report.js';

/** The message a subscription receives: its protocol's entry of a MessageStructure=json publish, else the message. */
export function messageFor(
  n: Notification & { perProtocol?: Record<string, string> },
  protocol: string,
): string {
  return n.perProtocol?.[protocol] ?? n.message;
}

/** What a subscription is sent: the raw message, or the signed JSON envelope. */
export function renderFor(
  sns: SnsState,
  topic: Topic,
  subscription: Subscription,
  n: Notification,
  origin: string,
): { body: string; raw: boolean } {
  const message = messageFor(n, subscription.protocol);
  if (subscription.attributes.RawMessageDelivery === 'true') return { body: message, raw: true };
  const signatureVersion = topic.attributes.SignatureVersion === '2' ? '2' : '1';
  const unsubscribeUrl = sns.unsubscribeUrl(origin, subscription);
  return {
    body: notificationEnvelope(n, message, { origin, unsubscribeUrl, signatureVersion }, sns.signer),
    raw: false,
  };
}

/**
 * Publish attributes as SQS message attributes (raw delivery): the notification's own object, which
 * the queue side only reads. Every delivery of a publish thus shares it (`Deliveries` checks it once).
 */
export function sqsAttributes(n: Notification): AttributeMap | undefined {
  return Object.keys(n.attributes).length > 0 ? n.attributes : undefined;
}

/**
 * Delivers a notification to an SQS subscription inside the publish's write (through `deliveries`,
 * which the publish flushes before its write ends), so a Publish answered 200 has been stored in
 * every matching queue. A delivery the queue refuses (it no longer exists, or the message breaks one
 * of its limits) goes to the subscription's dead-letter queue, else is logged.
 */
export function deliverToQueue(
  sns: SnsState,
  ctx: RequestContext,
  topic: Topic,
  subscription: Subscription,
  n: Notification,
  now: number,
  deliveries: Deliveries,
): void {
  const { body, raw } = renderFor(sns, topic, subscription, n, ctx.origin);
  const queue = sns.sqs.byArn(subscription.endpoint);
  const message = {
    body,
    attributes: raw ? sqsAttributes(n) : undefined,
    groupId: n.groupId,
    dedupId: n.dedupId,
  };
  try {
    if (!queue) throw new AwsError('QueueDoesNotExist', `The queue ${subscription.endpoint} does not exist.`);
    deliveries.add(queue, message);
    report(sns, 'sqs', 'delivered');
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    sns.observer.failure('sqs');
    deadLetter(sns, ctx, subscription, message, now, error.message);
  }
}
