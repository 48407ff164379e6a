// Seed 002: pattern-matched subscribers on a FIFO queue where order per cart matters. Each cart's
// events share a message group (the event subject), so they are processed strictly in order, one at
// a time, while different carts proceed in parallel. Subscribers pick events with the MEGA DSL.
import { and, EventSubscriber, gt, Listener, type MegaPayload, not, SqsPublisher } from 'sqs-mega';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queueWithDlq } from './lib/setup.js';

const STEPS = [
  'shopping_cart.item.added',
  'shopping_cart.item.added',
  'shopping_cart.item.removed',
  'shopping_cart.checkout',
];

export const shoppingCart: Example = async ({ sqs, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'processed', 'bulk', 'orderViolations');
  const { main: carts, dlq } = await queueWithDlq(sqs, 'carts.fifo', 5, {
    ContentBasedDeduplication: 'true',
  });
  const publisher = new SqsPublisher({ client: sqs, queueUrl: carts.url, groupId: 'subject' });
  const lastStep = new Map<string, number>();

  const inOrder = (event: MegaPayload) => {
    const cart = event.event.subject as string;
    const step = Number(event.event.attributes?.step);
    if (step !== (lastStep.get(cart) ?? 0) + 1) {
      stats.orderViolations++;
      print('warn', 'carts', `${cart}: step ${step} after ${lastStep.get(cart) ?? 0} — out of order!`);
    }
    lastStep.set(cart, step);
  };

  class BulkAdds extends EventSubscriber {
    override name = 'bulk-adds';
    override pattern = {
      event: { name: 'shopping_cart.item.added', attributes: { quantity: and(gt(5), not(gt(10))) } },
    };
    process(event: MegaPayload) {
      stats.bulk++;
      print(
        'match',
        'carts',
        `bulk add: ${event.event.attributes?.quantity} × ${event.event.attributes?.sku} in ${event.event.subject}`,
      );
    }
  }
  const listener = new Listener({
    client: sqs,
    queueUrl: carts.url,
    deadLetterQueueUrl: dlq.url,
    waitTimeSeconds: 1,
    concurrency: 10,
  });
  listener.subscribe({ event: { domain: 'shop' } }, (event: MegaPayload) => {
    inOrder(event);
    stats.processed++;
    print(
      'done',
      'carts',
      `${event.event.subject} step ${event.event.attributes?.step}: ${event.event.name.replace('shopping_cart.', '')}`,
    );
  });
  listener.subscribe(new BulkAdds()).start();

  let n = 0;
  const stopProducing = every(
    intervalMs,
    async () => {
      // three carts at a time, each advancing one step per tick
      const batch = [];
      for (let c = 0; c < 3; c++) {
        const cart = `cart-${Math.floor(n / STEPS.length) * 3 + c + 1}`;
        const step = (n % STEPS.length) + 1;
        const name = STEPS[step - 1] as string;
        const quantity = ((n + c) % 4) * 3 + 1;
        batch.push(
          publisher.publishEvent({
            name,
            domain: 'shop',
            subject: cart,
            attributes: { step, sku: `sku-${c}`, quantity },
          }),
        );
        print(
          'publish',
          'carts',
          `${cart} step ${step}: ${name.replace('shopping_cart.', '')}${name.endsWith('added') ? ` (qty ${quantity})` : ''}`,
        );
      }
      n++;
      await Promise.all(batch);
      stats.published += batch.length;
    },
    (e) => print('warn', 'carts', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await listener.stop();
    },
  };
};

if (isMain(import.meta.url)) void main(shoppingCart, 'shopping-cart');
