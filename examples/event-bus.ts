// Seed 004: an event bus. A `users` topic fans out to an `email` and a `billing` queue; SNS filter
// policies on the attributes the publisher derives from each MEGA event decide who gets what.
// `email` wants new users only; `billing` wants new and updated users on a paid plan. The billing
// service is flaky: every third attempt fails with a transient error and is retried with backoff.
import {
  EventSubscriber,
  Listener,
  type MegaPayload,
  type MessageContext,
  oneOf,
  RetriableError,
  SnsPublisher,
} from 'sqs-mega';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queueWithDlq, topicTo } from './lib/setup.js';

export const eventBus: Example = async ({ sqs, sns, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'emails', 'billed', 'billingRetries');
  const email = await queueWithDlq(sqs, 'email', 5);
  const billing = await queueWithDlq(sqs, 'billing', 5);
  const topicArn = await topicTo(sns, 'users', [
    { queue: email.main, filterPolicy: { 'mega-event-name': ['user.created'] } },
    {
      queue: billing.main,
      filterPolicy: { 'mega-event-name': ['user.created', 'user.updated'], plan: [{ prefix: 'pro' }] },
    },
  ]);
  const publisher = new SnsPublisher({ client: sns, topicArn });

  class WelcomeEmail extends EventSubscriber {
    override name = 'welcome-email';
    override pattern = { event: { name: 'user.created' } };
    process(event: MegaPayload) {
      stats.emails++;
      print('done', 'email', `welcome email to ${event.event.subject} (via SNS → email queue)`);
    }
  }
  let attempts = 0;
  const charge = async (event: MegaPayload, ctx: MessageContext) => {
    if (++attempts % 3 === 0) {
      stats.billingRetries++;
      print(
        'retry',
        'billing',
        `payment provider timed out for ${event.event.subject} (attempt ${ctx.receiveCount}); retrying with backoff`,
      );
      throw new RetriableError('payment provider timeout');
    }
    stats.billed++;
    print(
      'done',
      'billing',
      `${event.event.name} ${event.event.subject}: plan ${event.event.attributes?.plan}, billed`,
    );
  };
  const emailListener = new Listener({
    client: sqs,
    queueUrl: email.main.url,
    deadLetterQueueUrl: email.dlq.url,
    waitTimeSeconds: 1,
  });
  emailListener.subscribe(new WelcomeEmail()).start();
  const billingListener = new Listener({
    client: sqs,
    queueUrl: billing.main.url,
    deadLetterQueueUrl: billing.dlq.url,
    waitTimeSeconds: 1,
    backoff: { initialMs: 500, maxMs: 4000 },
  });
  billingListener.subscribe({ event: { name: oneOf('user.created', 'user.updated') } }, charge);
  billingListener.start();

  let n = 0;
  const stopProducing = every(
    intervalMs,
    async () => {
      n++;
      const user = `user-${Math.ceil(n / 2)}`;
      const name = n % 2 === 1 ? 'user.created' : 'user.updated';
      const plan = n % 3 === 0 ? 'free' : 'pro-monthly';
      await publisher.publishEvent(
        { name, subject: user, domain: 'accounts', publisher: 'signup', attributes: { plan } },
        { attributes: { plan } },
      );
      stats.published++;
      print('publish', 'users', `${name} ${user} (plan ${plan})`);
    },
    (e) => print('warn', 'users', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await Promise.all([emailListener.stop(), billingListener.stop()]);
    },
  };
};

if (isMain(import.meta.url)) void main(eventBus, 'event-bus');
