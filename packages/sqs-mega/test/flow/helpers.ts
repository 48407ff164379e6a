import type { SQSClient } from '@aws-sdk/client-sqs';
import { Listener, type ListenerOptions } from 'sqs-mega';
import { type CreatedQueue, createQueue, queueCounts, receiveAll } from 'sqs-mega-broker/testing';
import type { brokerForFile } from '../runtime/helpers.js';

type Fixture = ReturnType<typeof brokerForFile>;

/** A queue with a dead-letter queue and a delayed queue, and a listener with `deferral` set. */
export async function deferralSetup(
  fixture: Fixture,
  name: string,
  options: Partial<ListenerOptions> = {},
  maxReceiveCount = 2,
) {
  const client = fixture.client();
  const fifo = name.endsWith('.fifo');
  const base = fifo ? name.slice(0, -5) : name;
  const queue = await createQueue(client, { name, deadLetter: { maxReceiveCount } });
  const delayed = await createQueue(client, {
    name: `${base}-delayed${fifo ? '.fifo' : ''}`,
    deadLetter: { maxReceiveCount },
    ...(fifo ? { attributes: { DelaySeconds: '1' } } : {}),
  });
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    waitTimeSeconds: 1,
    backoff: { initialMs: 0, jitter: 'none' },
    deferral: { delayedQueueUrl: delayed.url },
    ...options,
  });
  fixture.listeners.push(listener);
  return { client, queue, delayed, listener, empty: () => allEmpty(client, [queue, delayed]) };
}

/** True when the queues and their dead-letter queues hold nothing (visible, in flight or delayed). */
export async function allEmpty(client: SQSClient, queues: CreatedQueue[]): Promise<boolean> {
  for (const q of queues.flatMap((q) => (q.deadLetter ? [q, q.deadLetter] : [q]))) {
    const c = await queueCounts(client, q.url);
    if (c.visible + c.inFlight + c.delayed > 0) return false;
  }
  return true;
}

/**
 * The messages in a queue's dead-letter queue, received (and hidden for 30 s). Not with a visibility
 * timeout of 0: `receiveAll` reads until a receive comes back empty, and a message that is visible
 * again at once is received again forever (the hang of the "rateLimit in a listener" suite).
 */
export async function deadLetters(client: SQSClient, queue: CreatedQueue) {
  return queue.deadLetter ? receiveAll(client, queue.deadLetter.url, 30) : [];
}
