import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startTestBroker, type TestBroker } from '../src/testing/index.js';
import { mega } from './support/cli.js';

describe('mega replay', () => {
  let broker: TestBroker;
  let at: string[];
  let created: string;
  before(async () => {
    broker = await startTestBroker();
    at = ['--endpoint', broker.url];
    const sns = new SNSClient(broker.clientConfig);
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({
        Name: 'cli-orders.fifo',
        Attributes: { FifoTopic: 'true', ArchivePolicy: '{"MessageRetentionPeriod":"1"}' },
      }),
    );
    created = new Date().toISOString();
    for (const m of ['x', 'y'])
      await sns.send(
        new PublishCommand({ TopicArn, Message: m, MessageGroupId: 'g', MessageDeduplicationId: m }),
      );
    sns.destroy();
  });
  after(() => broker.stop());

  it('--help describes the command', async () => {
    const run = await mega(['replay', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: mega replay \[options\] <topic>/);
    assert.match(run.stdout, /--from <time>/);
    assert.match(run.stdout, /--queue <name>/);
  });

  it('replays the archive into a named queue and prints the status', async () => {
    const { QueueUrl } = await broker.sqsClient.send(
      new CreateQueueCommand({ QueueName: 'cli-rebuild.fifo', Attributes: { FifoQueue: 'true' } }),
    );
    const run = await mega([
      'replay',
      'cli-orders.fifo',
      '--from',
      '10m',
      '--queue',
      'cli-rebuild.fifo',
      '--raw',
      ...at,
    ]);
    assert.equal(run.code, 1, 'a start 10 minutes ago is before the archive began');
    assert.match(run.stderr, /InvalidParameter.*BeginningArchiveTime/);
    const ok = await mega([
      'replay',
      'cli-orders.fifo',
      '--from',
      created,
      '--queue',
      'cli-rebuild.fifo',
      '--raw',
      ...at,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Completed: arn:aws:sns:/);
    const got = await broker.sqsClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ['x', 'y'],
    );
  });

  it('bad option values exit 2 with a message naming the flag', async () => {
    for (const [args, message] of [
      [['--from', 'yesterday', '--queue', 'q.fifo'], /--from must be an ISO 8601 time/],
      [['--from', '1h'], /exactly one of --subscription <arn> and --queue <name>/],
      [['--from', '1h', '--to', '2h', '--queue', 'q.fifo'], /--to: must not be before from/],
      [['--from', '1h', '--queue', 'standard'], /--queue: must be a FIFO queue/],
    ] as const) {
      const run = await mega(['replay', 'cli-orders.fifo', ...args, ...at]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
