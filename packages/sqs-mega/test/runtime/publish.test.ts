import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  createMegaEvent,
  decodeMessage,
  LIMITS,
  PublishEntryError,
  PublishError,
  SqsPublisher,
} from 'sqs-mega';
import { queueCounts, receiveAll, startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

let broker: TestBroker;
let sqs: SQSClient;
const calls: string[] = [];

before(async () => {
  broker = await startTestBroker({
    queues: ['events', 'batching', 'errors', 'delayed', { name: 'orders', fifo: true }],
  });
  sqs = broker.sqsClient;
  sqs.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
after(() => broker.stop());

const url = (name: string) => broker.queues[name]!.url;

describe('SqsPublisher', () => {
  test('a MEGA event arrives with the encoding marker and the derived attributes, and decodes to itself', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('events') });
    const event = createMegaEvent({
      name: 'order.placed',
      domain: 'shop',
      subject: 'o-1',
      publisher: 'checkout',
    });
    const { messageId } = await publisher.publish(event, { attributes: { tenant: 'acme', priority: 3 } });
    const [message] = await receiveAll(sqs, url('events'));
    assert.equal(message?.MessageId, messageId);
    const attributes = message?.MessageAttributes ?? {};
    assert.deepEqual(
      Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, `${v.DataType}:${v.StringValue}`])),
      {
        'mega-encoding': 'String:json',
        'mega-event-name': 'String:order.placed',
        'mega-event-domain': 'String:shop',
        'mega-event-subject': 'String:o-1',
        'mega-event-publisher': 'String:checkout',
        tenant: 'String:acme',
        priority: 'Number:3',
      },
    );
    const decoded = decodeMessage(message!.Body!, attributes);
    assert.equal(decoded.kind, 'mega');
    assert.deepEqual(decoded.kind === 'mega' && decoded.event, event);
  });

  test('BSON, strings and bytes round-trip with their markers', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('events') });
    await publisher.publish({ id: 1, tags: ['a'] }, { format: 'bson' });
    await publisher.publish('test');
    await publisher.publish(new Uint8Array([0, 1, 2, 255]));
    const decoded = (await receiveAll(sqs, url('events'))).map((m) =>
      decodeMessage(m.Body!, m.MessageAttributes),
    );
    const byKind = Object.fromEntries(decoded.map((d) => [d.kind, d]));
    assert.deepEqual(byKind.data?.kind === 'data' && byKind.data.data, { id: 1, tags: ['a'] });
    assert.equal(byKind.text?.kind === 'text' && byKind.text.text, 'test');
    assert.deepEqual(byKind.binary?.kind === 'binary' && [...byKind.binary.bytes], [0, 1, 2, 255]);
  });

  test('publishes issued together go out as SendMessageBatch calls of at most 10, each caller getting its own id', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('batching') });
    calls.length = 0;
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => publisher.publish({ i })));
    assert.deepEqual(calls, [
      'SendMessageBatchCommand',
      'SendMessageBatchCommand',
      'SendMessageBatchCommand',
    ]);
    const received = await receiveAll(sqs, url('batching'));
    const bodyById = new Map(received.map((m) => [m.MessageId, JSON.parse(m.Body!).i]));
    assert.deepEqual(
      results.map((r) => bodyById.get(r.messageId)),
      results.map((_, i) => i),
    );
  });

  test('batches stay within the 1 MiB request limit', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('batching') });
    calls.length = 0;
    const big = 'x'.repeat(400_000);
    await Promise.all([1, 2, 3, 4].map((i) => publisher.publish(`${i}${big}`)));
    assert.equal(calls.length, 2);
    await receiveAll(sqs, url('batching'));
  });

  test("one entry's rejection fails only that caller's promise", async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('errors') });
    const outcomes = await Promise.allSettled([
      publisher.publish('fine 1'),
      publisher.publish('bad \u0000 character'),
      publisher.publish('fine 2'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const failure = (outcomes[1] as PromiseRejectedResult).reason;
    assert.ok(failure instanceof PublishEntryError);
    assert.equal(failure.code, 'InvalidMessageContents');
    assert.equal((await receiveAll(sqs, url('errors'))).length, 2);
  });

  test('an oversize payload is rejected before sending, naming the limit', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('errors') });
    calls.length = 0;
    await assert.rejects(publisher.publish('y'.repeat(LIMITS.sqsMaxBytes)), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.match(error.message, /maximum message size \(limit 1048576\)/);
      return true;
    });
    assert.deepEqual(calls, []);
  });

  test('more than 10 attributes fail fast with a clear error', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('errors') });
    const attributes = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`a${i}`, 'v']));
    const event = createMegaEvent({ name: 'x', domain: 'd', subject: 's', publisher: 'p' });
    await assert.rejects(
      publisher.publish(event, { attributes }),
      /exceed the message attribute limit.*limit 10.*got 11 attributes/,
    );
    const lean = new SqsPublisher({ client: sqs, queueUrl: url('errors'), derivedAttributes: ['name'] });
    await lean.publish(event, { attributes });
    const [message] = await receiveAll(sqs, url('errors'));
    assert.equal(Object.keys(message?.MessageAttributes ?? {}).length, 8);
  });

  test('FIFO: group id derived from the event subject, dedup id from the content', async () => {
    const publisher = new SqsPublisher({
      client: sqs,
      queueUrl: url('orders.fifo'),
      groupId: 'subject',
      deduplicationId: 'content',
    });
    const a = createMegaEvent({ name: 'order.placed', subject: 'o-7', timestamp: '2024-01-01T00:00:00Z' });
    const first = await publisher.publish(a);
    const again = await publisher.publish(a);
    assert.ok(first.sequenceNumber);
    assert.equal(again.messageId, first.messageId, 'the duplicate is deduplicated by SQS');
    const [message, ...rest] = await receiveAll(sqs, url('orders.fifo'));
    assert.equal(rest.length, 0);
    assert.equal(message?.Attributes?.MessageGroupId, 'o-7');
    await assert.rejects(
      new SqsPublisher({ client: sqs, queueUrl: url('orders.fifo') }).publish({ no: 'group' }),
      /groupId is required on FIFO targets/,
    );
  });

  test('per-message delay keeps the message invisible', async () => {
    const publisher = new SqsPublisher({ client: sqs, queueUrl: url('delayed') });
    await publisher.publish('later', { delaySeconds: 60 });
    assert.deepEqual(await queueCounts(sqs, url('delayed')), { visible: 0, inFlight: 0, delayed: 1 });
    await assert.rejects(
      publisher.publish('x', { delaySeconds: 901 }),
      /delaySeconds must be an integer from 0 \(limit 900\)/,
    );
  });
});
