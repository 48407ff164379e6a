import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import { AWS, clientEnv, PYTHON, requireClient, run, skipClients } from './fixtures/clients.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/boto3_sns.py', import.meta.url));

describe('SNS through Debian boto3 and the AWS CLI (Query protocol)', { skip: skipClients }, () => {
  let broker: TestBroker;
  before(async () => {
    await requireClient('boto3', 'python3-boto3', [PYTHON, '-c', 'import boto3']);
    await requireClient('the AWS CLI', 'awscli', [AWS, '--version']);
    broker = await startTestBroker();
  });
  after(() => broker?.stop());

  it('boto3: topics, filtered and raw SQS subscriptions, the envelope, batch publish and errors', async () => {
    const result = await run(PYTHON, [SCRIPT, broker.url, 'py'], clientEnv());
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.topic, 'arn:aws:sns:us-east-1:000000000000:py-users');
    assert.equal(out.topic_again, out.topic, 'CreateTopic is idempotent');
    assert.ok(out.topics.includes(out.topic));
    assert.equal(out.subscriptions, 2);
    assert.deepEqual(out.filter_policy, { event: ['user.created'] });
    assert.deepEqual(out.batch_ok, ['a', 'b']);
    // email: only user.created, as an SNS envelope
    assert.equal(out.email_bodies.length, 1);
    const envelope = out.email_bodies[0];
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.MessageId, out.message_id);
    assert.equal(envelope.TopicArn, out.topic);
    assert.equal(envelope.Subject, 'hello');
    assert.equal(envelope.Message, '{"id": 1}');
    assert.deepEqual(envelope.MessageAttributes.event, { Type: 'String', Value: 'user.created' });
    assert.match(envelope.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(envelope.Signature && envelope.SigningCertURL && envelope.UnsubscribeURL);
    // billing: raw delivery, only plans with the prefix "pro", attributes copied
    assert.deepEqual(out.billing_bodies, ['{"id": 1}']);
    assert.equal(out.billing_attributes[0].plan.StringValue, 'pro-annual');
    assert.deepEqual(out.missing_error, ['NotFound', 404]);
    assert.equal(out.bad_policy_error, 'InvalidParameter');
  });

  it('the AWS CLI: create-topic, subscribe, publish, list-subscriptions-by-topic, and a failing publish', async () => {
    const env = clientEnv();
    const aws = (...args: string[]) =>
      run(AWS, ['--endpoint-url', broker.url, '--output', 'json', ...args], env);
    const topic = JSON.parse((await aws('sns', 'create-topic', '--name', 'cli-orders')).stdout).TopicArn;
    assert.equal(topic, 'arn:aws:sns:us-east-1:000000000000:cli-orders');
    const queueUrl = JSON.parse(
      (await aws('sqs', 'create-queue', '--queue-name', 'cli-orders-q')).stdout,
    ).QueueUrl;
    const sub = await aws(
      'sns',
      'subscribe',
      '--topic-arn',
      topic,
      '--protocol',
      'sqs',
      '--notification-endpoint',
      'arn:aws:sqs:us-east-1:000000000000:cli-orders-q',
      '--attributes',
      'RawMessageDelivery=true',
    );
    assert.equal(sub.code, 0, sub.stderr);
    const published = await aws('sns', 'publish', '--topic-arn', topic, '--message', 'order #1');
    assert.equal(published.code, 0, published.stderr);
    assert.match(JSON.parse(published.stdout).MessageId, /^[0-9a-f-]{36}$/);
    const subs = JSON.parse(
      (await aws('sns', 'list-subscriptions-by-topic', '--topic-arn', topic)).stdout,
    ).Subscriptions;
    assert.equal(subs.length, 1);
    assert.equal(subs[0].Protocol, 'sqs');
    const received = JSON.parse(
      (await aws('sqs', 'receive-message', '--queue-url', queueUrl)).stdout,
    ).Messages;
    assert.equal(received[0].Body, 'order #1');
    const missing = await aws('sns', 'publish', '--topic-arn', `${topic}-missing`, '--message', 'x');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound/);
  });
});
