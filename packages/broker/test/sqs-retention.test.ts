import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOLS, queueName, setup } from './support/clients.js';
import { storedCount } from './support/store.js';

describe('SQS retention, purge and permissions', async () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup({ time: 'manual' });
  });
  after(() => env.teardown());

  const stored = (queueUrl: string) => {
    const name = queueUrl.split('/').pop();
    const queue = env.broker.sqs.queues.all().find((q) => q.name === name);
    assert.ok(queue, `no queue ${name}`);
    return storedCount(env.broker, queue.id);
  };

  for (const protocol of PROTOCOLS) {
    describe(`over ${protocol}`, () => {
      const sqs = () => env.clients[protocol];
      const clock = () => env.broker.testClock!;
      const create = async (Attributes: Record<string, string> = {}, fifo = false) =>
        (
          await sqs().call('CreateQueue', {
            QueueName: fifo ? `${queueName()}.fifo` : queueName(),
            Attributes: fifo
              ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...Attributes }
              : Attributes,
          })
        ).QueueUrl as string;
      const receive = async (QueueUrl: string) =>
        (await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))
          .Messages ?? [];
      const count = async (QueueUrl: string) =>
        (
          await sqs().call('GetQueueAttributes', {
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          })
        ).Attributes.ApproximateNumberOfMessages;

      for (const fifo of [false, true]) {
        it(`drops messages past MessageRetentionPeriod from receives and counts, and reclaims them (${fifo ? 'FIFO' : 'standard'})`, async () => {
          const QueueUrl = await create({ MessageRetentionPeriod: '60' }, fifo);
          const group = fifo ? { MessageGroupId: 'g' } : {};
          await sqs().call('SendMessage', { QueueUrl, MessageBody: 'old', ...group });
          await clock().advance(30_000);
          await sqs().call('SendMessage', { QueueUrl, MessageBody: 'young', ...group });
          assert.equal(await count(QueueUrl), '2');
          await clock().advance(30_000);
          assert.equal(await count(QueueUrl), '1');
          assert.deepEqual(
            (await receive(QueueUrl)).map((m: { Body: string }) => m.Body),
            ['young'],
          );
          assert.equal(stored(QueueUrl), 1);
          await clock().advance(30_000);
          assert.equal(await count(QueueUrl), '0');
          assert.deepEqual(await receive(QueueUrl), []);
          assert.equal(stored(QueueUrl), 0);
        });
      }

      it('applies a shortened retention period to messages already stored', async () => {
        const QueueUrl = await create();
        await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
        await clock().advance(120_000);
        assert.equal(await count(QueueUrl), '1');
        await sqs().call('SetQueueAttributes', { QueueUrl, Attributes: { MessageRetentionPeriod: '60' } });
        assert.equal(await count(QueueUrl), '0');
        await clock().advance(1);
        assert.equal(stored(QueueUrl), 0);
      });

      it('purges a queue at most once a minute', async () => {
        const QueueUrl = await create();
        await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
        await sqs().call('PurgeQueue', { QueueUrl });
        assert.equal(await count(QueueUrl), '0');
        assert.equal((await sqs().error('PurgeQueue', { QueueUrl })).name, 'PurgeQueueInProgress');
        await clock().advance(60_000);
        await sqs().call('PurgeQueue', { QueueUrl });
      });

      it('keeps AddPermission / RemovePermission statements in the Policy attribute', async () => {
        const QueueUrl = await create();
        await sqs().call('AddPermission', {
          QueueUrl,
          Label: 'send',
          AWSAccountIds: ['111122223333', '444455556666'],
          Actions: ['SendMessage', 'ReceiveMessage'],
        });
        await sqs().call('AddPermission', {
          QueueUrl,
          Label: 'all',
          AWSAccountIds: ['111122223333'],
          Actions: ['*'],
        });
        const policyOf = async () =>
          (await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes
            ?.Policy;
        const policy = JSON.parse(await policyOf());
        assert.equal(policy.Version, '2008-10-17');
        assert.deepEqual(
          policy.Statement.map((s: { Sid: string }) => s.Sid),
          ['send', 'all'],
        );
        const [send] = policy.Statement;
        assert.deepEqual(send.Principal.AWS, [
          'arn:aws:iam::111122223333:root',
          'arn:aws:iam::444455556666:root',
        ]);
        assert.deepEqual(send.Action, ['SQS:SendMessage', 'SQS:ReceiveMessage']);
        // one principal, one action: plain strings, as SQS writes them
        const [, all] = policy.Statement;
        assert.equal(all.Principal.AWS, 'arn:aws:iam::111122223333:root');
        assert.equal(all.Action, 'SQS:*');
        assert.match(send.Resource, /^arn:aws:sqs:/);
        const dup = await sqs().error('AddPermission', {
          QueueUrl,
          Label: 'send',
          AWSAccountIds: ['111122223333'],
          Actions: ['*'],
        });
        assert.equal(dup.name, 'InvalidParameterValue');
        await sqs().call('RemovePermission', { QueueUrl, Label: 'send' });
        assert.deepEqual(
          JSON.parse(await policyOf()).Statement.map((s: { Sid: string }) => s.Sid),
          ['all'],
        );
        await sqs().call('RemovePermission', { QueueUrl, Label: 'all' });
        assert.equal(await policyOf(), undefined);
        const missing = await sqs().error('RemovePermission', { QueueUrl, Label: 'all' });
        assert.equal(missing.name, 'InvalidParameterValue');
      });
    });
  }
});
