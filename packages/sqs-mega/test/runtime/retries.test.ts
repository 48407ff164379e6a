import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  FatalError,
  Listener,
  type ListenerOptions,
  ProcessStatus,
} from 'sqs-mega';
import { createQueue, queueCounts, receiveAll, waitFor, waitForEvents } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from './helpers.js';

// Real time, zero backoff: each retry is redelivered at once.

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions> = {}, maxReceiveCount?: number) {
  const client = fixture.client();
  const queue = await createQueue(client, { name, deadLetter: { maxReceiveCount: maxReceiveCount ?? 100 } });
  const dlq = queue.deadLetter!;
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    deadLetterQueueUrl: dlq.url,
    waitTimeSeconds: 1,
    backoff: { initialMs: 0, jitter: 'none' },
    ...options,
  });
  listeners.push(listener);
  const empty = async () => {
    const c = await queueCounts(client, queue.url);
    return c.visible + c.inFlight === 0;
  };
  return { client, queue, dlq, listener, empty };
}

const reasonOf = (m: { MessageAttributes?: Record<string, { StringValue?: string }> }) =>
  m.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue;

describe('dead-letter moves', () => {
  test('after maxAttempts receives the message moves to the DLQ with the reason, then leaves the queue', async () => {
    const { client, queue, dlq, listener, empty } = await setup('exhausted', { maxAttempts: 3 });
    let runs = 0;
    listener.subscribe(
      undefined,
      () => {
        runs++;
        return ProcessStatus.RETRY_LATER;
      },
      { name: 'never-ready' },
    );
    listener.start();
    await publishAll(client, queue.url, [{ order: 1 }]);
    await waitFor(() => listener.stats['dead-lettered'] === 1);
    await waitFor(empty);
    assert.equal(runs, 3);
    const [moved, ...rest] = await receiveAll(client, dlq.url);
    assert.equal(rest.length, 0);
    assert.equal(moved?.Body, '{"order":1}');
    assert.equal(reasonOf(moved!), 'max attempts (3) reached: never-ready: retry-later');
    assert.equal(moved?.MessageAttributes?.['mega-encoding']?.StringValue, 'json');
  });

  test('a fatal error is not retried: straight to the DLQ with the error in the reason', async () => {
    const { client, queue, dlq, listener, empty } = await setup('fatal');
    let runs = 0;
    listener.subscribe(
      undefined,
      () => {
        runs++;
        throw new FatalError('customer 42 does not exist');
      },
      { name: 'billing' },
    );
    listener.start();
    await publishAll(client, queue.url, [{ customer: 42 }]);
    await waitFor(empty);
    assert.equal(runs, 1);
    const [moved] = await receiveAll(client, dlq.url);
    assert.equal(
      reasonOf(moved!),
      'fatal-error: billing: fatal-error: FatalError: customer 42 does not exist',
    );
  });

  test('an unclassified exception is fatal by default', async () => {
    const { client, queue, dlq, listener, empty } = await setup('bug');
    listener.subscribe(
      undefined,
      () => {
        throw new TypeError('x is undefined');
      },
      { name: 'buggy' },
    );
    listener.start();
    await publishAll(client, queue.url, [{ a: 1 }]);
    await waitFor(empty);
    assert.match(reasonOf((await receiveAll(client, dlq.url))[0]!) ?? '', /TypeError: x is undefined/);
  });

  test('poison messages (invalid MEGA, raw text nobody handles) go to the DLQ undeleted elsewhere', async () => {
    const { client, queue, dlq, listener, empty } = await setup('poison');
    let ran = 0;
    listener.subscribe({ kind: 'data', handler: () => void ran++ }).start();
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"protocol":"mega","version":1,"event":{"timestamp":"2024-01-01T00:00:00Z"}}',
      }),
    );
    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello there, plain text' }),
    );
    await waitFor(empty);
    const reasons = (await receiveAll(client, dlq.url)).map(reasonOf).sort();
    assert.equal(reasons.length, 2);
    assert.match(reasons[0] ?? '', /^invalid payload: .*event\.name/);
    assert.equal(reasons[1], 'no subscriber handles text payloads');
    assert.equal(ran, 0);
  });

  test('a message with 10 attributes still moves; the reason is left out rather than failing the move', async () => {
    const { client, queue, dlq, listener, empty } = await setup('full-attributes');
    listener.subscribe(undefined, () => ProcessStatus.FATAL_ERROR).start();
    const attributes = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: `v${i}` }]),
    );
    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"x":1}', MessageAttributes: attributes }),
    );
    await waitFor(empty);
    const [moved] = await receiveAll(client, dlq.url);
    assert.equal(Object.keys(moved?.MessageAttributes ?? {}).length, 10);
    assert.equal(reasonOf(moved!), undefined);
  });

  test("without a configured DLQ (redrive policy unread) nothing is deleted: the queue's RedrivePolicy moves it", async () => {
    const { client, queue, dlq, listener } = await setup(
      'redrive',
      { deadLetterQueueUrl: undefined, readRedrivePolicy: false },
      2,
    );
    let errors = 0;
    listener.on('error', (e) => {
      if (e.phase === 'dead-letter') errors++;
    });
    listener.subscribe(undefined, () => ProcessStatus.FATAL_ERROR).start();
    await publishAll(client, queue.url, [{ y: 2 }]);
    const moved = await waitFor(async () => (await receiveAll(client, dlq.url))[0]);
    assert.equal(moved.Body, '{"y":2}');
    assert.equal(errors, 2);
    assert.equal(listener.stats['dead-lettered'], 0);
  });

  test("without a configured DLQ the listener dead-letters into the RedrivePolicy's target itself, with the reason", async () => {
    const { client, queue, dlq, listener } = await setup(
      'redrive-target',
      { deadLetterQueueUrl: undefined },
      2,
    );
    listener.subscribe(undefined, () => ProcessStatus.FATAL_ERROR, { name: 'strict' }).start();
    await publishAll(client, queue.url, [{ y: 3 }]);
    const [event] = await waitForEvents(listener, 'dead-lettered', 1);
    assert.equal(event?.deadLetterQueueUrl, dlq.url);
    const [moved] = await receiveAll(client, dlq.url);
    assert.equal(moved?.Body, '{"y":3}');
    assert.equal(reasonOf(moved ?? {}), 'fatal-error: strict: fatal-error');
  });
});
