// Exactly-once payments over at-least-once delivery, with a typed event and Prometheus metrics:
// the producer sometimes sends a payment twice (a retry after a lost answer); the idempotency
// middleware charges it once. The `payment.captured` event is validated by a zod schema (the
// handler's type comes from it; a malformed one is dead-lettered as poison), and the listener's and
// publisher's metrics are served on /metrics (MEGA_METRICS_PORT, default 9464).
import { createMegaEvent, Listener, SqsPublisher } from 'sqs-mega';
import { idempotency, memoryStore } from 'sqs-mega/idempotency';
import { listenerMetrics, publisherMetrics, serveMetrics } from 'sqs-mega/metrics';
import { z } from 'zod';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queueWithDlq } from './lib/setup.js';

/** The `payment.captured` event as this consumer needs it. */
const PaymentCaptured = z.object({
  event: z.object({
    name: z.literal('payment.captured'),
    subject: z.string(),
    attributes: z.object({ id: z.string(), cents: z.number().int().positive() }),
  }),
});

export const payments: Example = async ({ sqs, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'charged', 'duplicatesSent');
  const { main: queue, dlq } = await queueWithDlq(sqs, 'payments', 5);
  const publisher = new SqsPublisher({ client: sqs, queueUrl: queue.url, instrument: [publisherMetrics()] });
  const listener = new Listener({
    client: sqs,
    queueUrl: queue.url,
    deadLetterQueueUrl: dlq.url,
    waitTimeSeconds: 1,
    middleware: [idempotency({ store: memoryStore() })], // Redis or PostgreSQL across processes
    instrument: [listenerMetrics()],
  });
  listener.subscribe({
    kind: 'event',
    name: 'charge',
    pattern: { event: { name: 'payment.captured' } },
    schema: PaymentCaptured,
    handler: (payment) => {
      stats.charged++;
      const { id, cents } = payment.event.attributes;
      print(
        'done',
        'payments',
        `${id}: charged ${(cents / 100).toFixed(2)} to ${payment.event.subject}, once`,
      );
    },
  });
  listener.start();
  const metricsPort = Number(process.env.MEGA_METRICS_PORT ?? (process.env.MEGA_PORT === '0' ? 0 : 9464));
  const metrics = await serveMetrics({ port: metricsPort }).catch((error: Error) => {
    print('warn', 'metrics', `not served: ${error.message}`);
    return undefined;
  });
  if (metrics) print('info', 'metrics', `Prometheus metrics: ${metrics.url}`);

  let n = 0;
  const stopProducing = every(
    intervalMs * 3,
    async () => {
      n++;
      const event = createMegaEvent({
        name: 'payment.captured',
        subject: `customer-${(n % 3) + 1}`,
        attributes: { id: `pay-${n}`, cents: 100 * n + 99 },
      });
      await publisher.publish(event);
      stats.published++;
      print('publish', 'payments', `pay-${n} captured`);
      if (n % 2 === 0) {
        await publisher.publish(event); // the producer's retry: the same event id again
        stats.duplicatesSent++;
        print('publish', 'payments', `pay-${n} sent again (a producer retry)`);
      }
    },
    (e) => print('warn', 'payments', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await listener.stop();
      await metrics?.close();
    },
  };
};

if (isMain(import.meta.url)) void main(payments, 'payments');
