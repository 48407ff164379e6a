import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

const body = (res: Response) => res.json() as Promise<Record<string, unknown>>;

// Requests no SDK would send: each must get a well-formed AWS error with a 4xx status.
describe('wire: malformed and unknown requests', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());

  const json = (target: string, body: string) =>
    fetch(broker.url, {
      method: 'POST',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
      body,
    });
  const query = (body: string, path = '/') =>
    fetch(`${broker.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('JSON body that does not parse is a 400 SerializationException', async () => {
    const res = await json('AmazonSQS.SendMessage', '{"QueueUrl": ');
    assert.equal(res.status, 400);
    assert.equal((await body(res)).__type, 'com.amazon.coral.service#SerializationException');
  });

  it('JSON that is not an object is a 400 SerializationException', async () => {
    for (const body of ['[]', '"x"', '42', 'null']) {
      const res = await json('AmazonSQS.ListQueues', body);
      assert.equal(res.status, 400, body);
    }
  });

  it('an unknown JSON target is a 400 UnknownOperationException', async () => {
    for (const target of [
      'AmazonSQS.Nope',
      'Other.ListQueues',
      'AmazonSQS.constructor',
      'AmazonSQS.__proto__',
    ]) {
      const res = await json(target, '{}');
      assert.equal(res.status, 400, target);
      assert.equal((await body(res)).__type, 'com.amazon.coral.service#UnknownOperationException');
    }
  });

  it('JSON errors carry __type and the x-amzn-query-error header', async () => {
    const res = await json('AmazonSQS.GetQueueUrl', '{"QueueName":"missing"}');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    assert.deepEqual(await body(res), {
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist for this wsdl version.',
    });
  });

  it('wrongly typed JSON members are InvalidParameterValue, not crashes', async () => {
    await json('AmazonSQS.CreateQueue', '{"QueueName":"typed"}');
    const url = `${broker.url}/000000000000/typed`;
    const cases = [
      { QueueUrl: url, MessageBody: 42 },
      { QueueUrl: url, MessageBody: 'x', DelaySeconds: 'soon' },
      { QueueUrl: url, MessageBody: 'x', MessageAttributes: [] },
      { QueueUrl: url, MessageBody: 'x', MessageAttributes: { a: 'flat' } },
      { QueueUrl: 7, MessageBody: 'x' },
    ];
    for (const input of cases) {
      const res = await json('AmazonSQS.SendMessage', JSON.stringify(input));
      assert.equal(res.status, 400, JSON.stringify(input));
      assert.match(String((await body(res)).__type), /InvalidParameterValue|MissingParameter/);
    }
  });

  it('a Query request without Action is a 400 MissingAction; an unknown one is InvalidAction', async () => {
    const missing = await query('Foo=bar');
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /<Code>MissingAction<\/Code>/);
    const unknown = await query('Action=Nope&Version=2012-11-05');
    assert.equal(unknown.status, 400);
    const text = await unknown.text();
    assert.match(text, /<ErrorResponse/);
    assert.match(text, /<Type>Sender<\/Type>/);
    assert.match(text, /<Code>InvalidAction<\/Code>/);
  });

  it('a Query request to a queue URL path takes the queue from the path, also over GET', async () => {
    await query('Action=CreateQueue&QueueName=by-path&Version=2012-11-05');
    const sent = await query('Action=SendMessage&MessageBody=hi&Version=2012-11-05', '/000000000000/by-path');
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /<MD5OfMessageBody>49f68a5c8493ec2c0bf489821c21fc3b<\/MD5OfMessageBody>/);
    const got = await fetch(`${broker.url}/000000000000/by-path?Action=ReceiveMessage&Version=2012-11-05`);
    assert.equal(got.status, 200);
    assert.match(await got.text(), /<Body>hi<\/Body>/);
  });

  it('a body that is neither JSON nor form data is a 400', async () => {
    const res = await fetch(broker.url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'xyz',
    });
    assert.equal(res.status, 400);
  });

  it('GET /health reports the store', async () => {
    const res = await fetch(`${broker.url}/health`);
    assert.equal(res.status, 200);
    const health = await body(res);
    assert.equal(health.status, 'ok');
    const engine = process.env.MEGA_TEST_STORE;
    assert.equal(health.store, engine === 'sqlite' || engine === 'logged' ? engine : 'memory');
    assert.equal(typeof health.schemaVersion, 'number');
  });
});

describe('wire: values that only look like values', () => {
  it('a wrongly typed integer holding an object with toString/valueOf keys is InvalidParameterValue, not a 500', async () => {
    const broker = await startTestBroker();
    try {
      for (const MaxResults of [[1, { toString: 'x' }], { valueOf: 1 }, { toString: 'y', valueOf: 'z' }]) {
        const res = await fetch(broker.url, {
          method: 'POST',
          headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({ MaxResults }),
        });
        assert.equal(res.status, 400, JSON.stringify(MaxResults));
        assert.match(
          String(((await res.json()) as { __type: string }).__type),
          /#InvalidParameterValueException$/,
        );
      }
    } finally {
      await broker.stop();
    }
  });
});
