import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('SQS queues', ({ protocol, sqs, env }) => {
  it('CreateQueue returns a URL built from the Host header, account and name', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: name });
    assert.equal(QueueUrl, `${env().broker.url}/000000000000/${name}`);
  });

  it('CreateQueue is idempotent when attributes match and QueueAlreadyExists when they differ', async () => {
    const name = queueName();
    const a = await sqs().call('CreateQueue', {
      QueueName: name,
      Attributes: { VisibilityTimeout: '45' },
    });
    const b = await sqs().call('CreateQueue', {
      QueueName: name,
      Attributes: { VisibilityTimeout: '45' },
    });
    assert.equal(a.QueueUrl, b.QueueUrl);
    const error = await sqs().error('CreateQueue', {
      QueueName: name,
      Attributes: { VisibilityTimeout: '46' },
    });
    assert.equal(error.name, 'QueueNameExists');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  it('CreateQueue rejects invalid names, unknown attributes and out-of-range values', async () => {
    for (const QueueName of ['has space', 'x'.repeat(81), 'bad.fifo', '']) {
      const error = await sqs().error('CreateQueue', { QueueName });
      assert.ok(
        ['InvalidParameterValue', 'MissingParameter'].includes(error.name),
        `${QueueName}: ${error.name}`,
      );
    }
    const unknown = await sqs().error('CreateQueue', {
      QueueName: queueName(),
      Attributes: { Colour: 'blue' },
    });
    assert.equal(unknown.name, 'InvalidAttributeName');
    const cases: Array<[string, string]> = [
      ['VisibilityTimeout', '43201'],
      ['DelaySeconds', '901'],
      ['MaximumMessageSize', '1023'],
      ['MaximumMessageSize', '1048577'],
      ['MessageRetentionPeriod', '59'],
      ['MessageRetentionPeriod', '1209601'],
      ['ReceiveMessageWaitTimeSeconds', '21'],
    ];
    for (const [attribute, value] of cases) {
      const error = await sqs().error('CreateQueue', {
        QueueName: queueName(),
        Attributes: { [attribute]: value },
      });
      assert.equal(error.name, 'InvalidAttributeValue', `${attribute}=${value}`);
      assert.match(error.message, new RegExp(attribute));
    }
  });

  it('GetQueueUrl finds a queue by name; an unknown name is QueueDoesNotExist', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: name });
    assert.equal((await sqs().call('GetQueueUrl', { QueueName: name })).QueueUrl, QueueUrl);
    const error = await sqs().error('GetQueueUrl', { QueueName: 'nope-nope' });
    assert.equal(error.name, 'QueueDoesNotExist');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  it('ListQueues filters by prefix and paginates with MaxResults/NextToken', async () => {
    const prefix = queueName('list');
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const QueueName of names) await sqs().call('CreateQueue', { QueueName });
    const all = await sqs().call('ListQueues', { QueueNamePrefix: prefix });
    assert.deepEqual(
      all.QueueUrls,
      names.map((n) => `${env().broker.url}/000000000000/${n}`),
    );
    const page1 = await sqs().call('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2 });
    assert.equal(page1.QueueUrls.length, 2);
    assert.ok(page1.NextToken);
    const page2 = await sqs().call('ListQueues', {
      QueueNamePrefix: prefix,
      MaxResults: 2,
      NextToken: page1.NextToken,
    });
    assert.deepEqual(page2.QueueUrls, [`${env().broker.url}/000000000000/${prefix}-c`]);
    assert.equal(page2.NextToken, undefined);
  });

  it('GetQueueAttributes returns defaults, the ARN, timestamps and counts; SetQueueAttributes changes them', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: name });
    const { Attributes } = await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(Attributes.VisibilityTimeout, '30');
    assert.equal(Attributes.MaximumMessageSize, '1048576');
    assert.equal(Attributes.MessageRetentionPeriod, '345600');
    assert.equal(Attributes.DelaySeconds, '0');
    assert.equal(Attributes.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
    assert.equal(Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(Attributes.CreatedTimestamp, String(Math.floor(env().broker.clock.now() / 1000)));
    await env().broker.testClock?.advance(5000);
    await sqs().call('SetQueueAttributes', {
      QueueUrl,
      Attributes: { VisibilityTimeout: '120', DelaySeconds: '5' },
    });
    const only = await sqs().call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['VisibilityTimeout', 'DelaySeconds', 'LastModifiedTimestamp'],
    });
    assert.deepEqual(only.Attributes, {
      VisibilityTimeout: '120',
      DelaySeconds: '5',
      LastModifiedTimestamp: String(Math.floor(env().broker.clock.now() / 1000)),
    });
    const bad = await sqs().error('SetQueueAttributes', { QueueUrl, Attributes: { QueueArn: 'x' } });
    assert.equal(bad.name, 'InvalidAttributeName');
    const badValue = await sqs().error('SetQueueAttributes', {
      QueueUrl,
      Attributes: { VisibilityTimeout: '-1' },
    });
    assert.equal(badValue.name, 'InvalidAttributeValue');
  });

  it('GetQueueAttributes rejects unknown attribute names', async () => {
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: queueName() });
    const error = await sqs().error('GetQueueAttributes', { QueueUrl, AttributeNames: ['Nope'] });
    assert.equal(error.name, 'InvalidAttributeName');
  });

  it('DeleteQueue removes the queue; its name is reserved for 60 seconds', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: name });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'x' });
    await sqs().call('DeleteQueue', { QueueUrl });
    assert.equal((await sqs().error('GetQueueUrl', { QueueName: name })).name, 'QueueDoesNotExist');
    assert.equal(
      (await sqs().error('SendMessage', { QueueUrl, MessageBody: 'x' })).name,
      'QueueDoesNotExist',
    );
    assert.equal((await sqs().error('CreateQueue', { QueueName: name })).name, 'QueueDeletedRecently');
    await env().broker.testClock?.advance(60_000);
    const again = await sqs().call('CreateQueue', { QueueName: name });
    assert.equal(again.QueueUrl, QueueUrl);
    const attrs = await sqs().call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    assert.equal(attrs.Attributes.ApproximateNumberOfMessages, '0');
  });

  it('PurgeQueue deletes the messages sent before it; a second purge within 60 s is PurgeQueueInProgress', async () => {
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName: queueName() });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'a' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'b', DelaySeconds: 10 });
    await sqs().call('PurgeQueue', { QueueUrl });
    const counts = await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(counts.Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(counts.Attributes.ApproximateNumberOfMessagesDelayed, '0');
    const error = await sqs().error('PurgeQueue', { QueueUrl });
    assert.equal(error.name, 'PurgeQueueInProgress');
    assert.equal(error.$metadata.httpStatusCode, 403);
    await env().broker.testClock?.advance(60_000);
    await sqs().call('PurgeQueue', { QueueUrl });
  });

  it('TagQueue, ListQueueTags and UntagQueue manage tags; CreateQueue accepts tags', async () => {
    const { QueueUrl } = await sqs().call('CreateQueue', {
      QueueName: queueName(),
      tags: { team: 'core' },
    });
    assert.deepEqual((await sqs().call('ListQueueTags', { QueueUrl })).Tags, { team: 'core' });
    await sqs().call('TagQueue', { QueueUrl, Tags: { env: 'test', team: 'platform' } });
    assert.deepEqual((await sqs().call('ListQueueTags', { QueueUrl })).Tags, {
      team: 'platform',
      env: 'test',
    });
    await sqs().call('UntagQueue', { QueueUrl, TagKeys: ['team'] });
    assert.deepEqual((await sqs().call('ListQueueTags', { QueueUrl })).Tags, { env: 'test' });
    await sqs().call('UntagQueue', { QueueUrl, TagKeys: ['env'] });
    assert.equal((await sqs().call('ListQueueTags', { QueueUrl })).Tags, undefined);
  });

  it('queues are per region: a client of another region does not see them', async () => {
    const { sqsClient } = await import('./support/clients.js');
    const other = sqsClient(env().broker, protocol, 'eu-west-1');
    try {
      const name = queueName();
      await sqs().call('CreateQueue', { QueueName: name });
      assert.equal((await other.error('GetQueueUrl', { QueueName: name })).name, 'QueueDoesNotExist');
      await other.call('CreateQueue', { QueueName: name });
      const arn = await other.call('GetQueueAttributes', {
        QueueUrl: (await other.call('GetQueueUrl', { QueueName: name })).QueueUrl,
        AttributeNames: ['QueueArn'],
      });
      assert.equal(arn.Attributes.QueueArn, `arn:aws:sqs:eu-west-1:000000000000:${name}`);
    } finally {
      other.destroy();
    }
  });
});
