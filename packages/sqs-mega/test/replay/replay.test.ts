import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ReplayError, replay } from 'sqs-mega/replay';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

describe('replay(): SNS message replay through the SNSClient', () => {
  let broker: TestBroker;
  let sns: SNSClient;
  let topicArn: string;
  let from: Date;
  before(async () => {
    broker = await startTestBroker();
    sns = new SNSClient({ ...broker.clientConfig, maxAttempts: 1 });
    topicArn = (
      await sns.send(
        new CreateTopicCommand({
          Name: 'orders.fifo',
          Attributes: { FifoTopic: 'true', ArchivePolicy: '{"MessageRetentionPeriod":"7"}' },
        }),
      )
    ).TopicArn as string;
    from = new Date();
    for (const m of ['one', 'two'])
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: m,
          MessageGroupId: 'g',
          MessageDeduplicationId: m,
        }),
      );
  });
  after(async () => {
    sns.destroy();
    await broker.stop();
  });

  test('replays the archive into a named FIFO queue and reports Completed', async () => {
    const { QueueUrl } = await broker.sqsClient.send(
      new CreateQueueCommand({ QueueName: 'rebuild.fifo', Attributes: { FifoQueue: 'true' } }),
    );
    const result = await replay(sns, {
      topicArn,
      from,
      queue: 'rebuild.fifo',
      raw: true,
      pollIntervalMs: 20,
    });
    assert.equal(result.status, 'Completed');
    assert.match(result.subscriptionArn, /^arn:aws:sns:us-east-1:\d{12}:orders\.fifo:/);
    const got = await broker.sqsClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ['one', 'two'],
    );
  });

  test('bad options are a ReplayError naming the field, before any request', async () => {
    const cases: Array<[string, Parameters<typeof replay>[1]]> = [
      ['topicArn', { topicArn: 'arn:aws:sns:us-east-1:000000000000:standard', from, queue: 'q.fifo' }],
      ['from', { topicArn, from: new Date('nope'), queue: 'q.fifo' }],
      ['to', { topicArn, from, to: new Date(from.getTime() - 1), queue: 'q.fifo' }],
      ['subscriptionArn', { topicArn, from }],
      ['queue', { topicArn, from, queue: 'standard' }],
      ['pollIntervalMs', { topicArn, from, queue: 'q.fifo', pollIntervalMs: 0 }],
    ];
    for (const [field, options] of cases)
      await assert.rejects(
        replay(sns, options),
        (e: unknown) => e instanceof ReplayError && e.field === field,
      );
  });

  test('a range before the archive gets the InvalidParameter error SNS gives', async () => {
    await assert.rejects(
      replay(sns, { topicArn, from: new Date(from.getTime() - 86_400_000), queue: 'late.fifo' }),
      (e: Error) => e.name === 'InvalidParameterException' && /BeginningArchiveTime/.test(e.message),
    );
  });
});
