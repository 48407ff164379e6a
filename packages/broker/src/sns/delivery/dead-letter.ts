import { AwsError } from '../../errors.js';
import { enqueue } from '../../sqs/deliver.js';
import type { AttributeMap, RequestContext } from '../../sqs/types.js';
import type { SnsDeliveryPort, Subscription } from '../types.js';
import { report } from './report.js';

/**
 * Subscription dead-lettering: a delivery SNS gave up on (the queue refused it, or the HTTP/S
 * endpoint failed every retry) goes to the subscription's RedrivePolicy dead-letter queue.
 */

/**
 * Sends a message that could not be delivered to the subscription's RedrivePolicy dead-letter queue;
 * without one (or if that fails too), logs it as lost, with the reason.
 */
export function deadLetter(
  sns: SnsDeliveryPort,
  ctx: RequestContext,
  subscription: Subscription,
  message: { body: string; attributes?: AttributeMap; groupId?: string; dedupId?: string },
  now: number,
  reason: string,
): void {
  const target = deadLetterArn(subscription);
  const queue = target === undefined ? undefined : sns.sqs.byArn(target);
  if (queue) {
    try {
      enqueue(sns.sqs, ctx, queue, message, now);
      sns.config.logger.warn(
        { subscription: subscription.arn, dlq: target, reason },
        'SNS delivery failed; message sent to the dead-letter queue',
      );
      report(sns, subscription.protocol, 'dead_lettered');
      return;
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      reason = `${reason}; the dead-letter queue refused it too: ${error.message}`;
    }
  }
  sns.config.logger.error(
    { subscription: subscription.arn, endpoint: subscription.endpoint, dlq: target ?? null, reason },
    'SNS delivery failed and the subscription has no usable dead-letter queue (RedrivePolicy): message dropped',
  );
  report(sns, subscription.protocol, 'dropped');
}

/** The dead-letter queue's ARN a subscription's RedrivePolicy names, if it names one. */
export function deadLetterArn(subscription: Subscription): string | undefined {
  const policy = subscription.attributes.RedrivePolicy;
  if (policy === undefined) return undefined;
  try {
    const arn = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}
