// Issue 24, item 6: every event that can make a message receivable wakes the receives already waiting
// for it at once, on the system clock, over both protocols. The bound (2 s) is generous for a loaded
// machine; the bug it guards against costs the whole wait (10 s here).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName, until } from './support/clients.js';

const WAIT_S = 10;
const PROMPT_MS = 2_000;

describeOverProtocols(
  'long polls wake on every event that makes a message receivable',
  ({ sqs, env }) => {
    const create = async (Attributes?: Record<string, string>, fifo = false) =>
      (
        await sqs().call('CreateQueue', {
          QueueName: queueName() + (fifo ? '.fifo' : ''),
          Attributes: fifo
            ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...Attributes }
            : Attributes,
        })
      ).QueueUrl as string;
    const arnOf = async (QueueUrl: string) =>
      (await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes
        .QueueArn as string;
    const idOf = (url: string) => env().broker.sqs.resolve({ region: 'us-east-1', origin: '' }, url).id;

    /** Starts a long poll on `QueueUrl`, waits until the broker holds it, then runs `trigger`. */
    async function wokenBy(QueueUrl: string, trigger: () => Promise<unknown>) {
      const pending = sqs().call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: WAIT_S });
      await until(() => env().broker.sqs.polls.hasWaiters(idOf(QueueUrl)));
      const start = Date.now();
      await trigger();
      const { Messages } = await pending;
      return { bodies: (Messages ?? []).map((m: { Body: string }) => m.Body), ms: Date.now() - start };
    }

    it('a send', async () => {
      const QueueUrl = await create();
      const { bodies, ms } = await wokenBy(QueueUrl, () =>
        sqs().call('SendMessage', { QueueUrl, MessageBody: 'sent' }),
      );
      assert.deepEqual(bodies, ['sent']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it('a delete that unlocks a FIFO group (its next message waits no more)', async () => {
      const QueueUrl = await create({}, true);
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'first', MessageGroupId: 'g' });
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'second', MessageGroupId: 'g' });
      const [first] = (await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 60 })).Messages;
      const { bodies, ms } = await wokenBy(QueueUrl, () =>
        sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: first.ReceiptHandle }),
      );
      assert.deepEqual(bodies, ['second']);
      assert.ok(ms < PROMPT_MS, `${ms} ms: the delete did not wake the waiting receive`);
    });

    it('a DeleteMessageBatch that unlocks a FIFO group', async () => {
      const QueueUrl = await create({}, true);
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'first', MessageGroupId: 'g' });
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'second', MessageGroupId: 'g' });
      const [first] = (await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 60 })).Messages;
      const { bodies, ms } = await wokenBy(QueueUrl, () =>
        sqs().call('DeleteMessageBatch', {
          QueueUrl,
          Entries: [{ Id: 'a', ReceiptHandle: first.ReceiptHandle }],
        }),
      );
      assert.deepEqual(bodies, ['second']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it('a visibility change that releases the message holding a FIFO group', async () => {
      const QueueUrl = await create({}, true);
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'first', MessageGroupId: 'g' });
      const [first] = (await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 60 })).Messages;
      const { bodies, ms } = await wokenBy(QueueUrl, () =>
        sqs().call('ChangeMessageVisibility', {
          QueueUrl,
          ReceiptHandle: first.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      assert.deepEqual(bodies, ['first']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it('a visibility timeout running out', async () => {
      const QueueUrl = await create();
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'again' });
      await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 1 });
      const { bodies, ms } = await wokenBy(QueueUrl, async () => {});
      assert.deepEqual(bodies, ['again']);
      assert.ok(ms < 1_000 + PROMPT_MS, `${ms} ms`);
    });

    it('a delay ending', async () => {
      const QueueUrl = await create();
      const { bodies, ms } = await wokenBy(QueueUrl, () =>
        sqs().call('SendMessage', { QueueUrl, MessageBody: 'delayed', DelaySeconds: 1 }),
      );
      assert.deepEqual(bodies, ['delayed']);
      assert.ok(ms >= 900 && ms < 1_000 + PROMPT_MS, `${ms} ms`);
    });

    it('a redrive to the dead-letter queue', async () => {
      const dlq = await create();
      const source = await create({
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
      });
      await sqs().call('SendMessage', { QueueUrl: source, MessageBody: 'poison' });
      await sqs().call('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: 0 });
      const { bodies, ms } = await wokenBy(dlq, () => sqs().call('ReceiveMessage', { QueueUrl: source }));
      assert.deepEqual(bodies, ['poison']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it('a message move task', async () => {
      const dlq = await create();
      const source = await create({
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
      });
      await sqs().call('SendMessage', { QueueUrl: source, MessageBody: 'back' });
      await sqs().call('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: 0 });
      await sqs().call('ReceiveMessage', { QueueUrl: source }); // moves it to the DLQ
      await until(() => env().broker.sqs.store.messages.anyReady(idOf(dlq), Date.now(), 0));
      const { bodies, ms } = await wokenBy(source, async () =>
        sqs().call('StartMessageMoveTask', { SourceArn: await arnOf(dlq) }),
      );
      assert.deepEqual(bodies, ['back']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it('a purge of the in-flight message that held a FIFO group', async () => {
      const QueueUrl = await create({}, true);
      await sqs().call('SendMessage', { QueueUrl, MessageBody: 'held', MessageGroupId: 'g' });
      await sqs().call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 60 });
      const { bodies, ms } = await wokenBy(QueueUrl, async () => {
        await sqs().call('PurgeQueue', { QueueUrl });
        // PurgeQueue removes what was sent before it: what is sent after it is receivable
        await new Promise((r) => setTimeout(r, 5));
        await sqs().call('SendMessage', { QueueUrl, MessageBody: 'after', MessageGroupId: 'g' });
      });
      assert.deepEqual(bodies, ['after']);
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });
  },
  {},
);
