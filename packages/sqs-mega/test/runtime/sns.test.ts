import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventSubscriber, Listener, type MegaPayload, type MessageContext, SnsPublisher } from 'sqs-mega';
import { createQueue, startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';

describe('SnsPublisher through real SNS fan-out', () => {
  let broker: TestBroker;
  let sqs: SQSClient;
  let sns: SNSClient;
  before(async () => {
    broker = await startTestBroker();
    sqs = new SQSClient(broker.clientConfig);
    sns = new SNSClient(broker.clientConfig);
  });
  after(async () => {
    sqs.destroy();
    sns.destroy();
    await broker.stop();
  });

  test('events published to a topic reach, through filter policies on derived attributes, only the queues that asked, and listeners unwrap the envelope', async () => {
    const orders = await createQueue(sqs, 'sns-orders');
    const audit = await createQueue(sqs, 'sns-audit');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shop' }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: orders.arn,
        Attributes: { FilterPolicy: JSON.stringify({ 'mega-event-name': ['order.placed'] }) },
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: audit.arn }));

    const publisher = new SnsPublisher({ client: sns, topicArn: TopicArn as string });
    const published = await Promise.all([
      publisher.publishEvent(
        { name: 'order.placed', subject: 'o-1', domain: 'shop' },
        { subject: 'New order' },
      ),
      publisher.publishEvent({ name: 'order.cancelled', subject: 'o-2', domain: 'shop' }),
      publisher.publish({ type: 'note', text: 'not an event' }),
    ]);
    for (const p of published) assert.match(p.messageId, /^[0-9a-f-]{36}$/);

    const seen: Array<{ queue: string; name: string; topic?: string; subject?: string }> = [];
    class Recorder extends EventSubscriber {
      constructor(private readonly queue: string) {
        super();
      }
      process(event: MegaPayload, ctx: MessageContext) {
        seen.push({
          queue: this.queue,
          name: event.event.name,
          topic: ctx.sns?.topicArn,
          subject: ctx.sns?.subject,
        });
      }
    }
    const listeners = [orders, audit].map((q) => {
      const listener = new Listener({ client: sqs, queueUrl: q.url, waitTimeSeconds: 1 });
      listener.subscribe(new Recorder(q.name)).start();
      return listener;
    });
    try {
      await waitFor(() => seen.length >= 3, { message: 'three events delivered' });
      await waitFor(() => listeners[1]?.stats.unmatched === 1, {
        message: 'the data object reached audit, unmatched by an event subscriber',
      });
    } finally {
      await Promise.all(listeners.map((l) => l.stop()));
    }
    const byQueue = (q: string) =>
      seen
        .filter((s) => s.queue === q)
        .map((s) => s.name)
        .sort();
    assert.deepEqual(byQueue('sns-orders'), ['order.placed']);
    assert.deepEqual(byQueue('sns-audit'), ['order.cancelled', 'order.placed']);
    const placed = seen.find((s) => s.queue === 'sns-orders');
    assert.equal(placed?.topic, TopicArn);
    assert.equal(placed?.subject, 'New order');
  });
});
