import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('SQS fair queues', ({ sqs }) => {
  for (const backlog of [1_000, 10_000]) {
    it(`receives every message of nine quiet groups within 3 receives despite a noisy backlog of ${backlog}`, async () => {
      const QueueUrl = (await sqs().call('CreateQueue', { QueueName: queueName('fair') })).QueueUrl as string;
      for (let i = 0; i < backlog; i += 10) {
        await sqs().call('SendMessageBatch', {
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, j) => ({
            Id: `n${j}`,
            MessageBody: `noisy-${i + j}`,
            MessageGroupId: 'noisy',
          })),
        });
      }
      const sentAt = new Map<string, number>();
      let receives = 0;
      let worst = 0;
      let noisy = 0;
      for (let round = 0; round < 20; round++) {
        for (let g = 0; g < 9; g++) {
          const body = `quiet-${g}-${round}`;
          await sqs().call('SendMessage', { QueueUrl, MessageBody: body, MessageGroupId: `quiet-${g}` });
          sentAt.set(body, receives);
        }
        // a consumer that receives 10 and deletes them, like a busy worker
        for (let k = 0; k < 2; k++) {
          const { Messages = [] } = await sqs().call('ReceiveMessage', {
            QueueUrl,
            MaxNumberOfMessages: 10,
          });
          receives++;
          assert.equal(Messages.length, 10, 'a receive is filled while there is a backlog');
          for (const m of Messages as Array<{ Body: string; ReceiptHandle: string }>) {
            if (m.Body.startsWith('noisy')) noisy++;
            const at = sentAt.get(m.Body);
            if (at !== undefined) {
              worst = Math.max(worst, receives - at);
              sentAt.delete(m.Body);
            }
            await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
          }
        }
      }
      assert.equal(sentAt.size, 0, `quiet messages never received: ${[...sentAt.keys()].slice(0, 5)}`);
      assert.ok(worst <= 3, `a quiet message waited ${worst} receives`);
      assert.ok(noisy > 0, 'the noisy group is served too');
    });
  }

  it('a grouped message dead-lettered into a fair queue is served fairly there', async () => {
    const create = async (QueueName: string, Attributes: Record<string, string> = {}) =>
      (await sqs().call('CreateQueue', { QueueName, Attributes })).QueueUrl as string;
    const dlq = await create(queueName('fair-dlq'));
    const { Attributes } = await sqs().call('GetQueueAttributes', {
      QueueUrl: dlq,
      AttributeNames: ['QueueArn'],
    });
    const source = await create(queueName('fair-src'), {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 1 }),
    });
    // the dead-letter queue already holds a noisy group's backlog, older than the quiet message
    for (let i = 0; i < 20; i += 10) {
      await sqs().call('SendMessageBatch', {
        QueueUrl: dlq,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: `n${j}`,
          MessageBody: `noisy-${i + j}`,
          MessageGroupId: 'noisy',
        })),
      });
    }
    await sqs().call('SendMessage', { QueueUrl: source, MessageBody: 'quiet', MessageGroupId: 'quiet' });
    const first = await sqs().call('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: 0 });
    assert.equal(first.Messages?.length, 1);
    // received once already: the next receive moves it to the dead-letter queue
    const second = await sqs().call('ReceiveMessage', { QueueUrl: source });
    assert.equal(second.Messages, undefined);
    const { Messages } = await sqs().call('ReceiveMessage', { QueueUrl: dlq, MaxNumberOfMessages: 2 });
    assert.deepEqual(Messages.map((m: { Body: string }) => m.Body).sort(), ['noisy-0', 'quiet']);
  });

  it('serves messages without a group alongside grouped ones', async () => {
    const QueueUrl = (await sqs().call('CreateQueue', { QueueName: queueName('fair') })).QueueUrl as string;
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'plain' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'grouped', MessageGroupId: 'g' });
    const { Messages } = await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    assert.deepEqual(Messages.map((m: { Body: string }) => m.Body).sort(), ['grouped', 'plain']);
  });
});
