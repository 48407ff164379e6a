import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { get } from 'node:https';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { md5OfBody, md5OfMessageAttributes } from '../src/sqs/md5.js';
import { snsSetup } from './sns-support.js';

const require = createRequire(import.meta.url);
const MessageValidator = require('sns-validator') as new (
  host?: RegExp,
) => { validate(m: object, cb: (e: Error | null, m?: object) => void): void };

// Operator → a policy, messages that match, messages that do not (attribute values as strings).
const OPERATORS: Array<[string, object, unknown[], unknown[]]> = [
  ['exact string', { k: ['a'] }, ['a'], ['b']],
  ['exact number', { k: [5] }, [5], [6]],
  ['prefix', { k: [{ prefix: 'ab' }] }, ['abc'], ['xab']],
  ['suffix', { k: [{ suffix: '.png' }] }, ['a.png'], ['a.jpg']],
  ['equals-ignore-case', { k: [{ 'equals-ignore-case': 'HeLLo' }] }, ['hello'], ['help']],
  ['anything-but', { k: [{ 'anything-but': ['x', 'y'] }] }, ['z'], ['x']],
  ['anything-but prefix', { k: [{ 'anything-but': { prefix: 'x' } }] }, ['a'], ['xa']],
  ['numeric range', { k: [{ numeric: ['>=', 10, '<', 20] }] }, [10, 19.5], [20, 9]],
  ['numeric =', { k: [{ numeric: ['=', 3.5] }] }, [3.5], [3.4]],
  ['exists true', { k: [{ exists: true }] }, ['any'], []],
  ['cidr', { k: [{ cidr: '10.0.0.0/24' }] }, ['10.0.0.7'], ['10.0.1.7']],
  ['$or', { $or: [{ k: ['a'] }, { k: [{ prefix: 'z' }] }] }, ['a', 'zz'], ['b']],
];

describe('SNS Publish and fan-out to SQS', async () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  before(async () => {
    env = await snsSetup({ time: 'manual' });
  });
  after(() => env.teardown());

  it('delivers the AWS JSON envelope, signed (SignatureVersion 1), with ms timestamps and {Type, Value} attributes', async () => {
    const TopicArn = await env.topic();
    const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn);
    const { MessageId } = await env.sns('Publish', {
      TopicArn,
      Subject: 'Hi',
      Message: 'hello',
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v' },
        n: { DataType: 'Number', StringValue: '1.5' },
        arr: { DataType: 'String.Array', StringValue: '["a",1]' },
        b: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    });
    const [message] = await env.receive(QueueUrl);
    const body = JSON.parse(message.Body);
    assert.deepEqual(Object.keys(body), [
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    assert.equal(body.Type, 'Notification');
    assert.equal(body.MessageId, MessageId);
    assert.equal(body.Message, 'hello');
    assert.equal(body.Timestamp, new Date(env.broker.clock.now()).toISOString());
    assert.match(body.Timestamp, /\.\d{3}Z$/);
    assert.equal(body.SignatureVersion, '1');
    assert.deepEqual(body.MessageAttributes, {
      arr: { Type: 'String.Array', Value: '["a",1]' },
      b: { Type: 'Binary', Value: 'AQID' },
      n: { Type: 'Number', Value: '1.5' },
      s: { Type: 'String', Value: 'v' },
    });
    assert.ok(body.UnsubscribeURL.includes(encodeURIComponent(SubscriptionArn)));
    await verifyBoth(body);
  });

  it('signs with SHA256withRSA when the topic says SignatureVersion 2; omits Subject when not set', async () => {
    const TopicArn = await env.topic({ SignatureVersion: '2' });
    const { QueueUrl } = await env.subscribedQueue(TopicArn);
    await env.sns('Publish', { TopicArn, Message: 'two' });
    const body = JSON.parse((await env.receive(QueueUrl))[0].Body);
    assert.equal(body.SignatureVersion, '2');
    assert.equal('Subject' in body, false);
    assert.equal('MessageAttributes' in body, false);
    await verifyBoth(body);
    body.Message = 'tampered';
    assert.equal(verifyWithCrypto(body, await fetchCert(body.SigningCertURL)), false);
  });

  it('signs every envelope of a fan-out and every publish right, across topics of both signature versions', async () => {
    // the signer reuses its last signature for the same signed text: each envelope must still verify
    const v1 = await env.topic();
    const v2 = await env.topic({ SignatureVersion: '2' });
    const queues = [
      ...(await Promise.all([1, 2, 3].map(() => env.subscribedQueue(v1)))),
      ...(await Promise.all([1, 2].map(() => env.subscribedQueue(v2)))),
    ];
    for (const TopicArn of [v1, v2, v1]) {
      await env.sns('Publish', { TopicArn, Message: 'same words' });
      await env.sns('Publish', { TopicArn, Message: 'same words', Subject: 'now with a subject' });
    }
    const signatures = new Set<string>();
    for (const [i, { QueueUrl }] of queues.entries()) {
      const bodies = (await env.receive(QueueUrl)).map((m) => JSON.parse(m.Body));
      assert.equal(bodies.length, i < 3 ? 4 : 2);
      for (const body of bodies) {
        assert.equal(body.SignatureVersion, i < 3 ? '1' : '2');
        await verifyBoth(body);
        signatures.add(body.Signature);
      }
    }
    assert.equal(signatures.size, 6, 'one signature per publish, shared by its subscriptions');
  });

  it('raw delivery: the body as published, attributes as SQS message attributes', async () => {
    const TopicArn = await env.topic();
    const { QueueUrl } = await env.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    await env.sns('Publish', {
      TopicArn,
      Message: '{"raw":true}',
      MessageAttributes: {
        a: { DataType: 'String', StringValue: 'x' },
        n: { DataType: 'Number', StringValue: '2' },
      },
    });
    const [message] = await env.receive(QueueUrl);
    assert.equal(message.Body, '{"raw":true}');
    assert.equal(message.MessageAttributes.a.StringValue, 'x');
    assert.equal(message.MessageAttributes.n.DataType, 'Number');
  });

  it('MessageStructure=json sends the sqs entry, else default; validates the structure', async () => {
    const TopicArn = await env.topic();
    const { QueueUrl } = await env.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    await env.sns('Publish', {
      TopicArn,
      MessageStructure: 'json',
      Message: '{"default":"d","sqs":"for sqs"}',
    });
    assert.equal((await env.receive(QueueUrl))[0].Body, 'for sqs');
    const err = await env.snsError('Publish', { TopicArn, MessageStructure: 'json', Message: '{"sqs":"x"}' });
    assert.match(err.message, /No default entry/);
  });

  for (const scope of ['MessageAttributes', 'MessageBody'] as const) {
    it(`filter policies, every operator, scope ${scope}: only matching messages are delivered`, async () => {
      const TopicArn = await env.topic();
      const queues = [];
      for (const [, policy] of OPERATORS) {
        queues.push(
          await env.subscribedQueue(TopicArn, {
            RawMessageDelivery: 'true',
            FilterPolicyScope: scope,
            FilterPolicy: JSON.stringify(policy),
          }),
        );
      }
      const values = new Set(OPERATORS.flatMap(([, , yes, no]) => [...yes, ...no]));
      for (const value of values) {
        const attributes =
          typeof value === 'number'
            ? { k: { DataType: 'Number', StringValue: String(value) } }
            : { k: { DataType: 'String', StringValue: String(value) } };
        await env.sns('Publish', {
          TopicArn,
          Message: scope === 'MessageBody' ? JSON.stringify({ k: value }) : JSON.stringify({ v: value }),
          MessageAttributes:
            scope === 'MessageAttributes' ? attributes : { other: { DataType: 'String', StringValue: '1' } },
        });
      }
      await env.sns('Publish', {
        TopicArn,
        Message: 'not json',
        MessageAttributes: { z: { DataType: 'String', StringValue: '1' } },
      });
      for (const [i, [name, , yes, no]] of OPERATORS.entries()) {
        const got = [];
        for (;;) {
          const batch = await env.receive(queues[i]!.QueueUrl);
          if (batch.length === 0) break;
          got.push(
            ...batch.map((m) =>
              scope === 'MessageBody' ? JSON.parse(m.Body).k : m.MessageAttributes?.k?.StringValue,
            ),
          );
        }
        const expected = yes.map((v) => (scope === 'MessageBody' ? v : String(v)));
        for (const v of expected)
          assert.ok(got.includes(v), `${name}: ${String(v)} should match (got ${JSON.stringify(got)})`);
        for (const v of no)
          assert.ok(
            !got.includes(scope === 'MessageBody' ? v : String(v)),
            `${name}: ${String(v)} should not match`,
          );
      }
    });
  }

  it('FIFO topic → FIFO queue keeps group, deduplication id and order; sequence numbers increase', async () => {
    const TopicArn = await env.topic({ FifoTopic: 'true' }, true);
    const { QueueUrl } = await env.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    const seqs = [];
    for (const i of [1, 2, 3]) {
      const out = await env.sns('Publish', {
        TopicArn,
        Message: `m${i}`,
        MessageGroupId: 'g',
        MessageDeduplicationId: `d${i}`,
      });
      seqs.push(BigInt(out.SequenceNumber));
    }
    await env.sns('Publish', { TopicArn, Message: 'dup', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!);
    const got = await env.sqs('ReceiveMessage', {
      QueueUrl,
      MaxNumberOfMessages: 10,
      AttributeNames: ['All'],
    });
    assert.deepEqual(
      got.Messages.map((m: { Body: string }) => m.Body),
      ['m1', 'm2', 'm3'],
    );
    assert.equal(got.Messages[0].Attributes.MessageGroupId, 'g');
    assert.equal(got.Messages[0].Attributes.MessageDeduplicationId, 'd1');
    const err = await env.snsError('Publish', { TopicArn, Message: 'x' });
    assert.match(err.message, /MessageGroupId/);
  });

  it('validates Publish: target, empty, size 256 KiB, subject, attribute types', async () => {
    const TopicArn = await env.topic();
    assert.equal((await env.snsError('Publish', { Message: 'x' })).name, 'InvalidParameterException');
    assert.match((await env.snsError('Publish', { TopicArn, Message: '' })).message, /Empty message/);
    assert.match(
      (await env.snsError('Publish', { TopicArn, Message: 'x'.repeat(262_145) })).message,
      /too long/,
    );
    await env.sns('Publish', { TopicArn, Message: 'x'.repeat(262_144) });
    assert.equal(
      (await env.snsError('Publish', { TopicArn, Message: 'x', Subject: 'a\nb' })).name,
      'InvalidParameterException',
    );
    const bad = await env.snsError('Publish', {
      TopicArn,
      Message: 'x',
      MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
    });
    assert.equal(bad.name, 'InvalidParameterValueException');
    const missing = await env.snsError('Publish', { TopicArn: `${TopicArn}-gone`, Message: 'x' });
    assert.equal(missing.name, 'NotFoundException');
  });

  it('PublishBatch: up to 10 entries, per-entry results, batch errors', async () => {
    const TopicArn = await env.topic();
    const { QueueUrl } = await env.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    const out = await env.sns('PublishBatch', {
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: 'a', Message: 'one' },
        { Id: 'b', Message: '' },
        { Id: 'c', Message: 'three' },
      ],
    });
    assert.deepEqual(
      out.Successful.map((s: { Id: string }) => s.Id),
      ['a', 'c'],
    );
    assert.equal(out.Failed[0].Id, 'b');
    assert.equal(out.Failed[0].Code, 'InvalidParameter');
    assert.equal(out.Failed[0].SenderFault, true);
    assert.deepEqual((await env.receive(QueueUrl)).map((m) => m.Body).sort(), ['one', 'three']);
    const many = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, Message: 'x' }));
    assert.equal(
      (await env.snsError('PublishBatch', { TopicArn, PublishBatchRequestEntries: many })).name,
      'TooManyEntriesInBatchRequestException',
    );
    const dup = [
      { Id: 'x', Message: 'a' },
      { Id: 'x', Message: 'b' },
    ];
    assert.equal(
      (await env.snsError('PublishBatch', { TopicArn, PublishBatchRequestEntries: dup })).name,
      'BatchEntryIdsNotDistinct' + 'Exception',
    );
  });

  it('fan-out: each matching queue stores the batch in order; a queue that refuses a message sends it to the subscription DLQ, the rest unaffected', async () => {
    const TopicArn = await env.topic();
    const raw = { RawMessageDelivery: 'true' };
    const a = await env.subscribedQueue(TopicArn, raw);
    const b = await env.subscribedQueue(TopicArn, raw);
    const dlq = (await env.sqs('CreateQueue', { QueueName: env.name('dlq') })).QueueUrl as string;
    const dlqArn = (await env.sqs('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
      .Attributes.QueueArn;
    const small = await env.subscribedQueue(TopicArn, {
      ...raw,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }),
    });
    await env.sqs('SetQueueAttributes', {
      QueueUrl: small.QueueUrl,
      Attributes: { MaximumMessageSize: '1024' },
    });
    const big = 'x'.repeat(2000);
    const out = await env.sns('PublishBatch', {
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: '1', Message: 'first' },
        { Id: '2', Message: big },
        { Id: '3', Message: 'third' },
      ],
    });
    assert.equal(out.Successful.length, 3);
    const bodies = async (url: string) => (await env.receive(url)).map((m) => m.Body);
    assert.deepEqual(await bodies(a.QueueUrl), ['first', big, 'third']);
    assert.deepEqual(await bodies(b.QueueUrl), ['first', big, 'third']);
    assert.deepEqual(await bodies(small.QueueUrl), ['first', 'third'], 'the refused message is not stored');
    assert.deepEqual(await bodies(dlq), [big], "it went to the subscription's dead-letter queue");
  });

  it("fan-out: every raw delivery of a batch carries its own entry's body, attributes and MD5s", async () => {
    const TopicArn = await env.topic();
    const raw = { RawMessageDelivery: 'true' };
    const rawQueues = [await env.subscribedQueue(TopicArn, raw), await env.subscribedQueue(TopicArn, raw)];
    const entries: Array<{
      Id: string;
      Message: string;
      MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
    }> = [
      { Id: '1', Message: 'same body', MessageAttributes: { k: { DataType: 'String', StringValue: 'one' } } },
      { Id: '2', Message: 'same body', MessageAttributes: { k: { DataType: 'String', StringValue: 'two' } } },
      { Id: '3', Message: 'same body' },
      { Id: '4', Message: 'другое тело', MessageAttributes: { n: { DataType: 'Number', StringValue: '4' } } },
    ];
    await env.sns('PublishBatch', { TopicArn, PublishBatchRequestEntries: entries });
    for (const { QueueUrl } of rawQueues) {
      const messages = await env.receive(QueueUrl);
      assert.deepEqual(
        messages.map((m) => [m.Body, m.MessageAttributes ?? null]),
        entries.map((e) => [e.Message, e.MessageAttributes ?? null]),
      );
      for (const [i, m] of messages.entries()) {
        assert.equal(m.MD5OfBody, md5OfBody(entries[i]?.Message as string));
        const attributes = entries[i]?.MessageAttributes;
        assert.equal(m.MD5OfMessageAttributes, attributes ? md5OfMessageAttributes(attributes) : undefined);
      }
    }
  });

  it('the UnsubscribeURL of an envelope unsubscribes', async () => {
    const TopicArn = await env.topic();
    const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn);
    await env.sns('Publish', { TopicArn, Message: 'bye' });
    const body = JSON.parse((await env.receive(QueueUrl))[0].Body);
    const res = await fetch(body.UnsubscribeURL);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /UnsubscribeResponse/);
    assert.equal(
      (await env.snsError('GetSubscriptionAttributes', { SubscriptionArn })).name,
      'NotFoundException',
    );
  });
});

function fetchCert(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let data = '';
      res.on('data', (d) => {
        data += d;
      });
      res.on('end', () => resolve(data));
    }).on('error', reject);
  });
}

function verifyWithCrypto(body: Record<string, string>, cert: string): boolean {
  const keys = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
  const verifier = createVerify(body.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  for (const k of keys) if (k in body) verifier.update(`${k}\n${body[k]}\n`);
  return verifier.verify(cert, body.Signature as string, 'base64');
}

/** Verifies with node:crypto, and with AWS's sns-validator trusting the broker's host and certificate. */
async function verifyBoth(body: Record<string, string>): Promise<void> {
  const certUrl = new URL(body.SigningCertURL as string);
  assert.equal(certUrl.protocol, 'https:');
  assert.match(certUrl.pathname, /\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  const cert = await fetchCert(certUrl.href);
  assert.ok(verifyWithCrypto(body, cert));
  const https = await import('node:https');
  const options = https.globalAgent.options as { ca?: string };
  const previous = options.ca;
  options.ca = cert;
  try {
    const host = new RegExp(`^${certUrl.host.replace(/\./g, '\\.')}$`);
    await new Promise<void>((resolve, reject) =>
      new MessageValidator(host).validate(body, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    options.ca = previous;
  }
}
