// Names every JavaScript object inherits (`__proto__`, `constructor`, `toString`) are ordinary names
// to SNS: message attributes, tag keys and filter-policy keys so named are kept, delivered and matched
// like any other, and a payload without them does not have them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { md5OfMessageAttributes } from '../src/sqs/md5.js';
import { snsSetup } from './sns-support.js';
import { jsonRequest, rawRequest } from './support/raw-http.js';

type Setup = Awaited<ReturnType<typeof snsSetup>>;
interface Received {
  Body: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
  MD5OfMessageAttributes?: string;
}

/** Every message waiting in the queue, read over the wire (JSON.parse keeps `__proto__` as a key). */
async function receiveRaw(s: Setup, QueueUrl: string): Promise<Received[]> {
  const res = await rawRequest(
    s.broker.url,
    jsonRequest(
      'ReceiveMessage',
      JSON.stringify({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    ),
  );
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { Messages?: Received[] }).Messages ?? [];
}

// The SDK sends what `Object.entries` lists, so attributes parsed from JSON arrive with `__proto__`.
const ATTRIBUTES = JSON.parse(
  '{"__proto__":{"DataType":"String","StringValue":"p"},"constructor":{"DataType":"Number","StringValue":"7"},"plain":{"DataType":"String","StringValue":"x"}}',
);

describe('SNS: names every object inherits are ordinary names', () => {
  let s: Setup;
  before(async () => {
    s = await snsSetup();
  });
  after(() => s.teardown());

  it('message attributes named __proto__ and constructor reach raw and enveloped subscribers, hashed with them', async () => {
    const TopicArn = await s.topic();
    const raw = await s.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    const enveloped = await s.subscribedQueue(TopicArn);
    await s.sns('Publish', { TopicArn, Message: 'hello', MessageAttributes: ATTRIBUTES });

    const [delivered] = await receiveRaw(s, raw.QueueUrl);
    assert.deepEqual(Object.keys(delivered?.MessageAttributes ?? {}).sort(), [
      '__proto__',
      'constructor',
      'plain',
    ]);
    assert.equal(
      Object.getOwnPropertyDescriptor(delivered?.MessageAttributes, '__proto__')?.value.StringValue,
      'p',
    );
    assert.equal(delivered?.MD5OfMessageAttributes, md5OfMessageAttributes(ATTRIBUTES));

    const [notification] = await receiveRaw(s, enveloped.QueueUrl);
    const envelope = JSON.parse(notification?.Body ?? '{}') as { MessageAttributes: object };
    assert.deepEqual(Object.keys(envelope.MessageAttributes).sort(), ['__proto__', 'constructor', 'plain']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(envelope.MessageAttributes, '__proto__')?.value, {
      Type: 'String',
      Value: 'p',
    });
  });

  it('a filter policy on constructor or toString sees only attributes and body keys that were sent', async () => {
    const TopicArn = await s.topic();
    const absent = await s.subscribedQueue(TopicArn, {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ constructor: [{ exists: false }] }),
    });
    const present = await s.subscribedQueue(TopicArn, {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ constructor: [{ numeric: ['=', 7] }] }),
    });
    const inBody = await s.subscribedQueue(TopicArn, {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({ toString: [{ exists: true }] }),
    });
    // (SNS: `exists: false` matches only a message with at least one attribute)
    await s.sns('Publish', {
      TopicArn,
      Message: '{"a":1}',
      MessageAttributes: { plain: { DataType: 'String', StringValue: 'x' } },
    });
    await s.sns('Publish', { TopicArn, Message: '{"toString":"x"}', MessageAttributes: ATTRIBUTES });

    assert.deepEqual(
      (await receiveRaw(s, absent.QueueUrl)).map((m) => m.Body),
      ['{"a":1}'],
      'exists: false holds when the message has no attribute named constructor',
    );
    assert.deepEqual(
      (await receiveRaw(s, present.QueueUrl)).map((m) => m.Body),
      ['{"toString":"x"}'],
    );
    assert.deepEqual(
      (await receiveRaw(s, inBody.QueueUrl)).map((m) => m.Body),
      ['{"toString":"x"}'],
      'a body without a toString key has none',
    );
  });

  it('a tag key named __proto__ is stored and listed', async () => {
    const ResourceArn = await s.topic();
    await s.sns('TagResource', {
      ResourceArn,
      Tags: [
        { Key: '__proto__', Value: 'a' },
        { Key: 'constructor', Value: 'b' },
      ],
    });
    const { Tags } = await s.sns('ListTagsForResource', { ResourceArn });
    assert.deepEqual(
      (Tags as Array<{ Key: string; Value: string }>).map((t) => `${t.Key}=${t.Value}`).sort(),
      ['__proto__=a', 'constructor=b'],
    );
  });
});
