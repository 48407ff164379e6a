import type { Queue, QueuePort } from './types.js';

/**
 * Dead letters a listener wrote itself: the `sqs-mega` Listener, given a `deadLetterQueueUrl`, sends a
 * copy of a failed message there (a new message: SQS's own `DeadLetterQueueSourceArn` does not apply)
 * and names the queue it came from in a message attribute. The broker honours that attribute where SQS
 * would only know the queue's RedrivePolicy: a move task without `DestinationArn` sends such a message
 * back to that queue, and the dashboard offers Redrive for a queue holding them. The AWS API itself
 * keeps SQS's rules (StartMessageMoveTask still needs a queue configured as a dead-letter queue).
 */

/** The attribute naming a dead letter's source queue URL (sqs-mega's `DEAD_LETTER_SOURCE_ATTRIBUTE`). */
export const LISTENER_SOURCE_ATTRIBUTE = 'mega-dead-letter-source';

/**
 * The queue a listener's dead letter came from, from its stored attributes (JSON, as in the
 * `messages` table): the queue of that URL's account and name, in the region of `deadLetterQueue`
 * (a dead-letter queue is in its sources' region). Undefined when the attribute is absent or names no
 * queue of this broker.
 */
export function listenerSourceOf(
  state: Pick<QueuePort, 'byArn'>,
  attributes: string | null,
  deadLetterQueue: Queue,
): Queue | undefined {
  const url = listenerSourceUrl(attributes);
  if (url === undefined) return undefined;
  const parts = url.replace(/\/+$/, '').split('/');
  const name = parts[parts.length - 1];
  const account = parts[parts.length - 2];
  if (!name || !account) return undefined;
  return state.byArn(`arn:aws:sqs:${deadLetterQueue.region}:${account}:${name}`);
}

/** The source queue URL a listener recorded on a dead letter, if any. */
export function listenerSourceUrl(attributes: string | null): string | undefined {
  if (attributes === null || !attributes.includes(LISTENER_SOURCE_ATTRIBUTE)) return undefined;
  try {
    const all = JSON.parse(attributes) as Record<string, { StringValue?: unknown } | undefined>;
    const value = Object.hasOwn(all, LISTENER_SOURCE_ATTRIBUTE)
      ? all[LISTENER_SOURCE_ATTRIBUTE]?.StringValue
      : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
