import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { PROTOCOLS, queueName, setup, sqsClient, until } from './support/clients.js';

describe('long polling', async () => {
  describe('with a manual clock', () => {
    let env: Awaited<ReturnType<typeof setup>>;
    before(async () => {
      env = await setup({ time: 'manual' });
    });
    after(() => env.teardown());

    for (const protocol of PROTOCOLS) {
      const sqs = () => env.clients[protocol];
      const queueIdOf = (url: string) => env.broker.sqs.resolve({ region: 'us-east-1', origin: '' }, url).id;

      it(`[${protocol}] wakes a waiting receive when a received message's visibility expires`, async () => {
        const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: queueName() });
        await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
        await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 5 });
        const pending = sqs().call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
        await until(() => env.broker.sqs.polls.hasWaiters(queueIdOf(QueueUrl)));
        await env.broker.testClock!.advance(5_000);
        const { Messages } = await pending;
        assert.equal(Messages?.[0]?.Body, 'm');
      });

      it(`[${protocol}] wakes a waiting receive when a delayed message becomes visible`, async () => {
        const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: queueName() });
        const pending = sqs().call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
        await until(() => env.broker.sqs.polls.hasWaiters(queueIdOf(QueueUrl)));
        await sqs().call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 7 });
        await env.broker.testClock!.advance(6_999);
        assert.ok(
          env.broker.sqs.polls.hasWaiters(queueIdOf(QueueUrl)),
          'still waiting before the delay ends',
        );
        await env.broker.testClock!.advance(1);
        const { Messages } = await pending;
        assert.equal(Messages?.[0]?.Body, 'later');
      });

      it(`[${protocol}] returns empty at the deadline, honouring the queue's ReceiveMessageWaitTimeSeconds`, async () => {
        const { QueueUrl } = await sqs().call('CreateQueue', {
          QueueName: queueName(),
          Attributes: { ReceiveMessageWaitTimeSeconds: '10' },
        });
        let done = false;
        const pending = sqs()
          .call('ReceiveMessage', { QueueUrl })
          .finally(() => {
            done = true;
          });
        await until(() => env.broker.sqs.polls.hasWaiters(queueIdOf(QueueUrl)));
        await env.broker.testClock!.advance(9_999);
        assert.equal(done, false);
        await env.broker.testClock!.advance(1);
        assert.equal((await pending).Messages, undefined);
      });
    }
  });

  describe('with the real clock', () => {
    for (const protocol of PROTOCOLS) {
      it(`[${protocol}] hands a sent message to a waiting receive at once, with no polling interval`, async () => {
        const broker = await startTestBroker();
        const sqs = sqsClient(broker, protocol);
        try {
          const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
          const started = Date.now();
          const pending = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
          await new Promise((r) => setTimeout(r, 100));
          const sentAt = Date.now();
          await sqs.call('SendMessage', { QueueUrl, MessageBody: 'now' });
          const { Messages } = await pending;
          assert.equal(Messages?.[0]?.Body, 'now');
          assert.ok(Date.now() - sentAt < 500, `woken ${Date.now() - sentAt} ms after the send`);
          assert.ok(Date.now() - started < 5_000);
        } finally {
          sqs.destroy();
          await broker.stop();
        }
      });
    }

    it('a stopping broker releases its waiting receives', async () => {
      const broker = await startTestBroker();
      const sqs = sqsClient(broker, 'json');
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
      const started = Date.now();
      const pending = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 }).then(
        (r: { Messages?: unknown[] }) => r.Messages ?? [],
        () => [],
      );
      await until(() =>
        broker.sqs.polls.hasWaiters(broker.sqs.resolve({ region: 'us-east-1', origin: '' }, QueueUrl).id),
      );
      await broker.stop();
      assert.deepEqual(await pending, []);
      assert.ok(Date.now() - started < 3_000, 'released well before the 20 s deadline');
      sqs.destroy();
    });
  });
});

describe('long polling and the clients it serves', () => {
  it('a shortened visibility timeout wakes a waiting receive at the new time, not the old one', async () => {
    const env = await setup({ time: 'manual' });
    try {
      const sqs = env.clients.json;
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
      const queueId = env.broker.sqs.resolve({ region: 'us-east-1', origin: '' }, QueueUrl).id;
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'm' });
      const [m] = (await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 600 })).Messages;
      const pending = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
      await until(() => env.broker.sqs.polls.hasWaiters(queueId));
      await sqs.call('ChangeMessageVisibility', {
        QueueUrl,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 5,
      });
      await until(() => env.broker.sqs.polls.hasWaiters(queueId));
      await env.broker.testClock!.advance(5_000);
      assert.equal((await pending).Messages?.[0]?.Body, 'm');
    } finally {
      await env.teardown();
    }
  });

  it('a long poll whose client hung up takes no message', async () => {
    const broker = await startTestBroker();
    const sqs = sqsClient(broker, 'json');
    try {
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
      const queueId = broker.sqs.resolve({ region: 'us-east-1', origin: '' }, QueueUrl).id;
      const abandoned = new AbortController();
      const request = fetch(broker.url, {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ QueueUrl, WaitTimeSeconds: 20 }),
        signal: abandoned.signal,
      }).catch(() => undefined);
      await until(() => broker.sqs.polls.hasWaiters(queueId));
      abandoned.abort();
      await request;
      await until(() => !broker.sqs.polls.hasWaiters(queueId));
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'for a live client' });
      const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl });
      assert.equal(
        Messages?.[0]?.Body,
        'for a live client',
        'the message was not taken by the abandoned poll',
      );
    } finally {
      sqs.destroy();
      await broker.stop();
    }
  });
});
