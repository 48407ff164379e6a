import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('SQS dead-letter queues', ({ sqs, clock, env }) => {
  const create = async (QueueName: string, Attributes: Record<string, string> = {}) =>
    (await sqs().call('CreateQueue', { QueueName, Attributes })).QueueUrl as string;
  const arnOf = async (QueueUrl: string) =>
    (await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes
      .QueueArn as string;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    (await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...extra })).Messages ?? [];
  const redrive = (deadLetterTargetArn: string, maxReceiveCount: number | string) =>
    JSON.stringify({ deadLetterTargetArn, maxReceiveCount });

  it('moves a message received maxReceiveCount times to the DLQ, keeping id, body and attributes', async () => {
    const dlq = await create(queueName('dlq'));
    const source = await create(queueName('src'), { RedrivePolicy: redrive(await arnOf(dlq), 2) });
    const sourceArn = await arnOf(source);
    const sent = await sqs().call('SendMessage', {
      QueueUrl: source,
      MessageBody: 'poison',
      MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    });
    await sqs().call('SendMessage', { QueueUrl: source, MessageBody: 'fine' });
    for (let i = 0; i < 2; i++) {
      const got = await receive(source, { VisibilityTimeout: 5 });
      assert.ok(got.some((m: { Body: string }) => m.Body === 'poison'));
      const fine = got.find((m: { Body: string }) => m.Body === 'fine');
      if (fine) await sqs().call('DeleteMessage', { QueueUrl: source, ReceiptHandle: fine.ReceiptHandle });
      await clock().advance(5_000);
    }
    assert.deepEqual(await receive(source), []);
    const [dead] = await receive(dlq, { AttributeNames: ['All'], MessageAttributeNames: ['All'] });
    assert.equal(dead.MessageId, sent.MessageId);
    assert.equal(dead.Body, 'poison');
    assert.equal(dead.MessageAttributes.k.StringValue, 'v');
    assert.equal(dead.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(dead.Attributes.DeadLetterQueueSourceArn, sourceArn);
  });

  it('validates RedrivePolicy: existing target, same queue type, maxReceiveCount 1–1000', async () => {
    const dlq = await create(queueName('dlq'));
    const dlqArn = await arnOf(dlq);
    const missing = await sqs().error('CreateQueue', {
      QueueName: queueName(),
      Attributes: { RedrivePolicy: redrive(`${dlqArn}-nope`, 3) },
    });
    assert.equal(missing.name, 'InvalidParameterValue');
    assert.match(missing.message, /does not exist/);
    for (const count of [0, 1001, 'x']) {
      const bad = await sqs().error('CreateQueue', {
        QueueName: queueName(),
        Attributes: { RedrivePolicy: redrive(dlqArn, count) },
      });
      assert.equal(bad.name, 'InvalidParameterValue');
    }
    const fifoSource = await sqs().error('CreateQueue', {
      QueueName: `${queueName()}.fifo`,
      Attributes: { FifoQueue: 'true', RedrivePolicy: redrive(dlqArn, 3) },
    });
    assert.match(fifoSource.message, /same type/);
    const source = await create(queueName());
    await sqs().call('SetQueueAttributes', {
      QueueUrl: source,
      Attributes: { RedrivePolicy: redrive(dlqArn, '7') },
    });
    const { Attributes } = await sqs().call('GetQueueAttributes', {
      QueueUrl: source,
      AttributeNames: ['RedrivePolicy'],
    });
    assert.deepEqual(JSON.parse(Attributes.RedrivePolicy), {
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 7,
    });
  });

  it('enforces the DLQ RedriveAllowPolicy: allowAll, denyAll, byQueue', async () => {
    const sourceName = queueName('src');
    const sourceArn = `arn:aws:sqs:${env().broker.clientConfig.region}:000000000000:${sourceName}`;
    const dlq = await create(queueName('dlq'), {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }),
    });
    const dlqArn = await arnOf(dlq);
    const denied = await sqs().error('CreateQueue', {
      QueueName: sourceName,
      Attributes: { RedrivePolicy: redrive(dlqArn, 3) },
    });
    assert.equal(denied.name, 'InvalidParameterValue');
    assert.match(denied.message, /does not allow/);
    const source = await create(sourceName);
    assert.equal(await arnOf(source), sourceArn);
    await sqs().call('SetQueueAttributes', {
      QueueUrl: dlq,
      Attributes: {
        RedriveAllowPolicy: JSON.stringify({
          redrivePermission: 'byQueue',
          sourceQueueArns: [sourceArn],
        }),
      },
    });
    await sqs().call('SetQueueAttributes', {
      QueueUrl: source,
      Attributes: { RedrivePolicy: redrive(dlqArn, 3) },
    });
    const other = await sqs().error('CreateQueue', {
      QueueName: queueName('other'),
      Attributes: { RedrivePolicy: redrive(dlqArn, 3) },
    });
    assert.match(other.message, /does not allow/);
    const tooMany = await sqs().error('SetQueueAttributes', {
      QueueUrl: dlq,
      Attributes: {
        RedriveAllowPolicy: JSON.stringify({
          redrivePermission: 'byQueue',
          sourceQueueArns: Array.from({ length: 11 }, (_, i) => `${sourceArn}${i}`),
        }),
      },
    });
    assert.equal(tooMany.name, 'InvalidAttributeValue');
    const unknown = await sqs().error('SetQueueAttributes', {
      QueueUrl: dlq,
      Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'some' }) },
    });
    assert.equal(unknown.name, 'InvalidAttributeValue');
  });

  it('lists dead-letter source queues with pagination', async () => {
    const dlq = await create(queueName('dlq'));
    const dlqArn = await arnOf(dlq);
    const sources = [];
    for (let i = 0; i < 3; i++)
      sources.push(await create(queueName('src'), { RedrivePolicy: redrive(dlqArn, 1) }));
    await create(queueName('unrelated'));
    const all = await sqs().call('ListDeadLetterSourceQueues', { QueueUrl: dlq });
    assert.deepEqual([...all.queueUrls].sort(), [...sources].sort());
    const first = await sqs().call('ListDeadLetterSourceQueues', { QueueUrl: dlq, MaxResults: 2 });
    assert.equal(first.queueUrls.length, 2);
    assert.ok(first.NextToken);
    const second = await sqs().call('ListDeadLetterSourceQueues', {
      QueueUrl: dlq,
      MaxResults: 2,
      NextToken: first.NextToken,
    });
    assert.equal(second.queueUrls.length, 1);
    assert.equal(second.NextToken, undefined);
    assert.deepEqual([...first.queueUrls, ...second.queueUrls].sort(), [...sources].sort());
  });

  it('a FIFO queue dead-letters to a FIFO queue, preserving group ids and order', async () => {
    const dlq = await create(`${queueName('dlq')}.fifo`, { FifoQueue: 'true' });
    const source = await create(`${queueName('src')}.fifo`, {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      RedrivePolicy: redrive(await arnOf(dlq), 1),
    });
    for (const body of ['a0', 'a1', 'a2'])
      await sqs().call('SendMessage', { QueueUrl: source, MessageBody: body, MessageGroupId: 'A' });
    assert.equal((await receive(source, { VisibilityTimeout: 1 })).length, 3);
    await clock().advance(1_000);
    assert.deepEqual(await receive(source), []);
    const dead = await receive(dlq, { AttributeNames: ['All'] });
    assert.deepEqual(
      dead.map((m: { Body: string }) => m.Body),
      ['a0', 'a1', 'a2'],
    );
    assert.ok(dead.every((m: { Attributes: Record<string, string> }) => m.Attributes.MessageGroupId === 'A'));
  });
});
