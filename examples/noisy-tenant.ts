// A noisy tenant: acme publishes 10 orders for every one of globex and initech. rateLimit (from
// sqs-mega/flow) gives each tenant its own token bucket; acme's orders over it are deferred — copied
// to a delayed queue and back later, never failed, never dead-lettered — while the others flow at once.
import { Listener, SqsPublisher } from 'sqs-mega';
import { rateLimit } from 'sqs-mega/flow';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queueWithDlq } from './lib/setup.js';

const NOISY = 'acme';
const QUIET = ['globex', 'initech'];

export const noisyTenant: Example = async ({ sqs, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'quietDone', 'noisyDone', 'deferred', 'deadLettered', 'quietMaxMs');
  const { main: tenants } = await queueWithDlq(sqs, 'tenants', 3);
  const { main: delayed } = await queueWithDlq(sqs, 'tenants-delayed', 3);
  // each tenant may run twice the quiet tenants' pace: the quiet ones never hit it, acme (10×) does
  const rate = (2 * 1000) / intervalMs;
  const listener = new Listener({
    client: sqs,
    queueUrl: tenants.url,
    waitTimeSeconds: 1,
    deferral: { delayedQueueUrl: delayed.url },
    middleware: [rateLimit({ key: 'tenant', rate, burst: 2 })],
  });
  listener.on('deferred', ({ seconds }) => {
    stats.deferred++;
    if (stats.deferred % 10 === 1)
      print(
        'retry',
        'tenants',
        `${NOISY} over ${rate.toFixed(1)}/s: order rerouted for ${seconds}s (${stats.deferred} so far)`,
      );
  });
  listener.on('dead-lettered', () => void stats.deadLettered++);
  listener.subscribe(undefined, (order: { tenant: string; n: number; at: number }) => {
    const ms = Date.now() - order.at;
    if (order.tenant === NOISY) {
      stats.noisyDone++;
      return;
    }
    stats.quietDone++;
    stats.quietMaxMs = Math.max(stats.quietMaxMs, ms);
    print('done', 'tenants', `${order.tenant} order ${order.n} in ${ms} ms (not held behind ${NOISY})`);
  });
  listener.start();

  const publisher = new SqsPublisher({ client: sqs, queueUrl: tenants.url });
  let n = 0;
  const stopProducing = every(
    intervalMs,
    async () => {
      n++;
      const orders = [
        ...Array.from({ length: 10 }, () => ({ tenant: NOISY, n, at: Date.now() })),
        ...QUIET.map((tenant) => ({ tenant, n, at: Date.now() })),
      ];
      await Promise.all(orders.map((o) => publisher.publish(o)));
      stats.published += orders.length;
      if (n % 5 === 1)
        print('publish', 'tenants', `round ${n}: 10 orders from ${NOISY}, 1 each from ${QUIET.join(', ')}`);
    },
    (e) => print('warn', 'tenants', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await listener.stop();
    },
  };
};

if (isMain(import.meta.url)) void main(noisyTenant, 'noisy-tenant');
