import type { Deliveries } from '../../sqs/deliver.js';
import type { RequestContext } from '../../sqs/types.js';
import type { Notification } from '../envelope.js';
import type { SnsState } from '../state.js';
import type { Subscription, Topic } from '../types.js';
import { deliverToQueue, renderFor } from './sqs.js';

/**
 * Delivers a notification to one subscription inside the caller's write: into its queue (through
 * `deliveries`, which the caller flushes before its write ends), or stored for the HTTP/S worker.
 */
export function deliverTo(
  sns: SnsState,
  ctx: RequestContext,
  topic: Topic,
  subscription: Subscription,
  n: Notification,
  now: number,
  deliveries: Deliveries,
): void {
  if (subscription.protocol === 'sqs') {
    deliverToQueue(sns, ctx, topic, subscription, n, now, deliveries);
    return;
  }
  const { body, raw } = renderFor(sns, topic, subscription, n, ctx.origin);
  sns.http.add({
    subscription_arn: subscription.arn,
    kind: 'Notification',
    message_id: n.messageId,
    body,
    raw: raw ? 1 : 0,
    due_at: now,
    created_at: now,
  });
}
