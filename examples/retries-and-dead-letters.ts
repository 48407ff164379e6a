// Seed 003: poison messages and a flaky handler. Orders are processed by a handler that sometimes
// needs a retry (backoff through ChangeMessageVisibility) and sometimes fails for good (straight to
// the dead-letter queue, with the reason attached). A malformed MEGA event — a poison message that
// would "plug the queue" in a hand-written consumer — goes to the dead-letter queue at once.
//
// The dead-letter queue is a real one: `orders` has a RedrivePolicy naming `orders-dlq` (after 5
// receives: the listener, at 3 attempts, gets there first; the policy is the net under a listener that
// crashes), so the dashboard shows the pair and offers Redrive, and `npx mega redrive orders-dlq` works.
// It keeps dead letters for a minute (MessageRetentionPeriod 60 s, the least SQS allows), so it does
// not grow while the demo runs. Redrive it: the broken orders come back and find their product (the
// catalogue "was fixed"); the poison message fails again.
import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  FatalError,
  Listener,
  type MegaEvent,
  ProcessStatus,
  SqsPublisher,
} from 'sqs-mega';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queue } from './lib/setup.js';

/** How long `orders-dlq` keeps a dead letter, in seconds (SQS's least MessageRetentionPeriod). */
export const DEAD_LETTER_RETENTION_SECONDS = 60;

export const retriesAndDeadLetters: Example = async ({ sqs, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'processed', 'recovered', 'retried', 'deadLettered', 'redriven');
  const dlq = await queue(sqs, 'orders-dlq');
  const orders = await queue(sqs, 'orders');
  // set, not created with: a data directory from an earlier run has these queues without them
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: dlq.url,
      Attributes: { MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) },
    }),
  );
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: orders.url,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
      },
    }),
  );
  const publisher = new SqsPublisher({ client: sqs, queueUrl: orders.url });
  const listener = new Listener({
    client: sqs,
    queueUrl: orders.url,
    deadLetterQueueUrl: dlq.url,
    waitTimeSeconds: 1,
    maxAttempts: 3,
    backoff: { initialMs: 1000, maxMs: 4000 },
  });
  listener.subscribe({ event: { name: 'order.placed' } }, (event: MegaEvent, ctx) => {
    const order = event.event.subject as string;
    const kind = event.event.attributes?.kind;
    if (kind === 'flaky' && ctx.receiveCount < 2) {
      print('retry', 'orders', `${order}: warehouse busy (attempt ${ctx.receiveCount}), try again later`);
      return ProcessStatus.RETRY_LATER;
    }
    // back from the dead-letter queue (a redrive): the catalogue has the product by now
    const redriven = ctx.attributes[DEAD_LETTER_REASON_ATTRIBUTE] !== undefined;
    if (kind === 'broken' && !redriven)
      throw new FatalError(`${order} references a product that does not exist`);
    stats.processed++;
    if (redriven) {
      stats.redriven++;
      print('done', 'orders', `${order} reserved after a redrive from orders-dlq`);
      return;
    }
    if (ctx.receiveCount > 1) stats.recovered++;
    print(
      'done',
      'orders',
      `${order} reserved${ctx.receiveCount > 1 ? ` on attempt ${ctx.receiveCount}` : ''}`,
    );
  });
  listener.on('retried', (e) => {
    stats.retried++;
    print('retry', 'orders', `message ${e.messageId.slice(0, 8)} back in ${e.delaySeconds}s (backoff)`);
  });
  listener.on('dead-lettered', (e) => {
    stats.deadLettered++;
    print('dead', 'orders', `message ${e.messageId.slice(0, 8)} → orders-dlq: ${e.reason}`);
  });
  listener.start();
  print(
    'info',
    'orders',
    `orders-dlq keeps dead letters ${DEAD_LETTER_RETENTION_SECONDS} s; redrive them (dashboard, or npx mega redrive orders-dlq) and the broken orders go through`,
  );

  let n = 0;
  const stopProducing = every(
    intervalMs,
    async () => {
      n++;
      const order = `order-${n}`;
      if (n % 5 === 0) {
        // a poison message: says it is a MEGA event, but has no event name
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: orders.url,
            MessageBody: '{"protocol":"mega","version":1,"event":{"timestamp":"2026-01-01T00:00:00Z"}}',
          }),
        );
        print('publish', 'orders', 'a malformed MEGA event (poison)');
      } else {
        const kind = n % 5 === 2 ? 'flaky' : n % 5 === 4 ? 'broken' : 'ok';
        await publisher.publishEvent({
          name: 'order.placed',
          subject: order,
          domain: 'shop',
          attributes: { kind },
        });
        print('publish', 'orders', `${order} (${kind})`);
      }
      stats.published++;
    },
    (e) => print('warn', 'orders', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await listener.stop();
    },
  };
};

if (isMain(import.meta.url)) void main(retriesAndDeadLetters, 'retries');
