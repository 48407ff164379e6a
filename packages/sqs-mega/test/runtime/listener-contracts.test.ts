import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  compileJsonPattern,
  createMegaEvent,
  DEAD_LETTER_REASON_ATTRIBUTE,
  EventSubscriber,
  Listener,
  type ListenerOptions,
  type MegaPayload,
  ProcessStatus,
  SqsPublisher,
  SubscriberPatternError,
  TextSubscriber,
} from 'sqs-mega';
import { createQueue, queueCounts, receiveAll, waitFor, waitForEvents } from 'sqs-mega-broker/testing';
import { brokerForFile, deferred, publishAll } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions> = {}) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, ...options });
  listeners.push(listener);
  return { client, queue, listener, counts: () => queueCounts(client, queue.url) };
}

describe('handler results', () => {
  test('a non-status return value (the Map of map.set) means done: deleted, never retried', async () => {
    const { client, queue, listener, counts } = await setup('returns-map');
    const seen = new Map<string, unknown>();
    listener.subscribe(undefined, (payload, ctx) => seen.set(ctx.messageId, payload)).start();
    await publishAll(client, queue.url, [{ n: 1 }, { n: 2 }]);
    const processed = await waitForEvents(listener, 'processed', 2);
    assert.deepEqual(
      processed.map((e) => e.verdict),
      ['done', 'done'],
    );
    await waitFor(async () => (await counts()).inFlight === 0);
    assert.deepEqual(await counts(), { visible: 0, inFlight: 0, delayed: 0 });
    assert.equal(listener.stats.retried, 0);
  });
});

describe("the queue's RedrivePolicy", () => {
  test('maxAttempts is aligned to maxReceiveCount: the listener dead-letters with its reason before SQS would', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, { name: 'redrive-aligned', deadLetter: { maxReceiveCount: 3 } });
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      backoff: { initialMs: 0, jitter: 'none' },
    });
    listeners.push(listener);
    let runs = 0;
    listener.subscribe(undefined, () => {
      runs++;
      return ProcessStatus.RETRY_LATER;
    });
    listener.start();
    await publishAll(client, queue.url, [{ order: 1 }]);
    const [moved] = await waitForEvents(listener, 'dead-lettered', 1);
    assert.equal(
      moved?.deadLetterQueueUrl,
      queue.deadLetter?.url,
      'the redrive target, found by the listener',
    );
    assert.match(moved?.reason ?? '', /^max attempts \(3\) reached/);
    assert.equal(runs, 3);
    const [copy] = await receiveAll(client, queue.deadLetter?.url ?? '');
    assert.match(copy?.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ?? '', /max attempts/);
  });

  test('an explicit maxAttempts above maxReceiveCount raises a warning event', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, { name: 'redrive-warned', deadLetter: { maxReceiveCount: 2 } });
    const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, maxAttempts: 10 });
    listeners.push(listener);
    const warned = waitForEvents(listener, 'warning', 1);
    listener.subscribe(undefined, () => {}).start();
    const [warning] = await warned;
    assert.equal(warning?.code, 'max-attempts-above-max-receive-count');
    assert.match(warning?.detail ?? '', /maxAttempts is 10 .* maxReceiveCount 2/);
  });
});

describe('subscribe: JSON patterns', () => {
  test('a plain object with { syntax: "json" } is compiled in body scope and matches', async () => {
    const { client, queue, listener } = await setup('json-syntax', { unmatched: 'delete' });
    const got: unknown[] = [];
    listener
      .subscribe({ type: ['order'], total: [{ numeric: ['>', 100] }] }, (p) => void got.push(p), {
        syntax: 'json',
      })
      .start();
    await publishAll(client, queue.url, [
      { type: 'order', total: 150 },
      { type: 'order', total: 50 },
    ]);
    await waitFor(() => listener.stats.processed + listener.stats.unmatched === 2);
    assert.deepEqual(got, [{ type: 'order', total: 150 }]);
    assert.equal(listener.stats.unmatched, 1);
  });

  test('a JSON pattern compiled in MessageAttributes scope is refused with a typed error', async () => {
    const { listener } = await setup('json-scope');
    assert.throws(
      () => listener.subscribe(compileJsonPattern({ type: ['order'] }), () => {}, { name: 'orders' }),
      (error: unknown) =>
        error instanceof SubscriberPatternError &&
        error.subscriber === 'orders' &&
        error.field === 'pattern' &&
        /MessageAttributes/.test(error.message),
    );
    // the same pattern in body scope is accepted
    listener.subscribe(compileJsonPattern({ type: ['order'] }, { scope: 'MessageBody' }), () => {});
  });
});

describe('subscribe: text and binary subscribers', () => {
  test('a text subscriber gets plaintext only; events nobody handles stay unmatched', async () => {
    const { client, queue, listener, counts } = await setup('text-kind');
    const texts: string[] = [];
    class Pings extends TextSubscriber {
      process(text: string) {
        texts.push(`class:${text}`);
      }
    }
    listener
      .subscribe({ kind: 'text', handler: (text: string) => void texts.push(`fn:${text}`) })
      .subscribe(new Pings())
      .start();
    const publisher = new SqsPublisher({ client, queueUrl: queue.url });
    await publisher.publish('hello world');
    await publisher.publishEvent({ name: 'order.placed', subject: '42' });
    const [unmatched] = await waitForEvents(listener, 'unmatched', 1);
    assert.equal(unmatched?.payload.kind, 'mega');
    await waitFor(() => texts.length === 2);
    assert.deepEqual(texts.sort(), ['class:hello world', 'fn:hello world']);
    await waitFor(async () => (await counts()).inFlight === 0);
    assert.deepEqual(await counts(), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('a binary subscriber gets the bytes, and nothing else', async () => {
    const { client, queue, listener } = await setup('binary-kind');
    const got = deferred<Uint8Array>();
    listener.subscribe({ kind: 'binary', handler: (bytes: Uint8Array) => got.resolve(bytes) }).start();
    const unmatched = waitForEvents(listener, 'unmatched', 1);
    const publisher = new SqsPublisher({ client, queueUrl: queue.url });
    await publisher.publish({ not: 'bytes' });
    await publisher.publish(new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual([...(await got.promise)], [0, 1, 2, 255]);
    assert.equal((await unmatched)[0]?.payload.kind, 'data', 'a data object is not for a binary subscriber');
  });
});

describe('subscribe: one place for the name', () => {
  test('the options argument names every form: pattern + handler, definition, class', async () => {
    const { client, queue, listener } = await setup('names');
    const names = new Set<string>();
    class Orders extends EventSubscriber {
      process(_payload: MegaPayload, ctx: { subscriber: string }) {
        names.add(ctx.subscriber);
      }
    }
    listener
      .subscribe(new Orders(), { name: 'orders-class' })
      .subscribe(
        { kind: 'event', handler: (_p, ctx) => void names.add(ctx.subscriber) },
        { name: 'orders-def' },
      )
      .subscribe({ event: { name: 'order.placed' } }, (_p, ctx) => void names.add(ctx.subscriber), {
        name: 'orders-fn',
      })
      .start();
    await new SqsPublisher({ client, queueUrl: queue.url }).publish(
      createMegaEvent({ name: 'order.placed' }),
    );
    await waitFor(() => names.size === 3);
    assert.deepEqual([...names].sort(), ['orders-class', 'orders-def', 'orders-fn']);
    assert.throws(() => listener.subscribe(new Orders(), { name: 'orders-def' }), /already registered/);
  });
});

describe('events carry the message and its payload', () => {
  test('received, unmatched, processed, retried and dead-lettered each carry message and payload', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, { name: 'event-facts', deadLetter: { maxReceiveCount: 100 } });
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      deadLetterQueueUrl: queue.deadLetter?.url,
      maxAttempts: 2,
      backoff: { initialMs: 0, jitter: 'none' },
    });
    listeners.push(listener);
    const facts: string[] = [];
    for (const name of ['received', 'unmatched', 'processed', 'retried', 'dead-lettered'] as const)
      listener.on(name, (e) => {
        const body = JSON.parse(e.message.Body ?? '{}') as { kind: string };
        const data = e.payload.kind === 'data' ? (e.payload.data as { kind: string }).kind : e.payload.kind;
        facts.push(`${name}:${body.kind}:${data}:${e.messageId === e.message.MessageId}`);
      });
    listener.subscribe({ kind: ['retry'] }, () => ProcessStatus.RETRY_LATER, { syntax: 'json' }).start();
    await publishAll(client, queue.url, [{ kind: 'retry' }]);
    await waitFor(() => listener.stats['dead-lettered'] === 1);
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"kind":"nobody"}' }));
    await waitFor(() => listener.stats.unmatched === 1);
    assert.deepEqual(
      new Set(facts),
      new Set([
        'received:retry:retry:true',
        'processed:retry:retry:true',
        'retried:retry:retry:true',
        'dead-lettered:retry:retry:true',
        'received:nobody:nobody:true',
        'unmatched:nobody:nobody:true',
      ]),
    );
  });
});

describe('backoff in seconds', () => {
  test('a sub-second backoff raises a warning and waits a whole second', async () => {
    const { client, queue, listener } = await setup('sub-second', {
      backoff: { initialMs: 200, jitter: 'none' },
    });
    const warned = waitForEvents(listener, 'warning', 1);
    let runs = 0;
    listener.subscribe(undefined, () => (runs++ === 0 ? ProcessStatus.RETRY_LATER : undefined)).start();
    const [warning] = await warned;
    assert.equal(warning?.code, 'backoff-rounded');
    assert.match(warning?.detail ?? '', /initialMs is 200 ms/);
    await publishAll(client, queue.url, [{ n: 1 }]);
    const [retried] = await waitForEvents(listener, 'retried', 1);
    assert.equal(retried?.delaySeconds, 1);
  });
});

describe('MegaPayload', () => {
  test('an event handler typed with MegaPayload reads the event section at payload.event', async () => {
    const { client, queue, listener } = await setup('mega-payload');
    const subject = deferred<string | undefined>();
    listener
      .subscribe({ kind: 'event', handler: (payload: MegaPayload) => subject.resolve(payload.event.subject) })
      .start();
    await new SqsPublisher({ client, queueUrl: queue.url }).publishEvent({
      name: 'user.created',
      subject: '42',
    });
    assert.equal(await subject.promise, '42');
  });
});

describe('re-polling', () => {
  test('a long poll started while slots were busy does not delay work: freed slots poll again at once', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, { name: 'repoll', fifo: true });
    const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 20, concurrency: 10 });
    listeners.push(listener);
    const first = deferred();
    const handled: number[] = [];
    listener
      .subscribe(undefined, async (payload) => {
        const { n } = payload as { n: number };
        if (n === 1) await first.promise;
        handled.push(n);
      })
      .start();
    const publisher = new SqsPublisher({
      client,
      queueUrl: queue.url,
      groupId: () => 'g',
      deduplicationId: 'content',
    });
    await publisher.publish({ n: 1 });
    await waitFor(() => listener.stats.received === 1);
    await new Promise((r) => setTimeout(r, 100)); // the next long poll is waiting (group g is locked)
    await publisher.publish({ n: 2 });
    const released = performance.now();
    first.resolve();
    await waitFor(() => handled.length === 2, { timeoutMs: 5000 });
    assert.deepEqual(handled, [1, 2]);
    assert.ok(performance.now() - released < 3000, `${performance.now() - released} ms`);
    await listener.stop({ abort: true });
  });

  test('slots freed while a long poll waits get a receive of their own at once', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, 'repoll-slots');
    // Slots asked for by the ReceiveMessage calls under way (their MaxNumberOfMessages).
    let asked = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'ReceiveMessageCommand') return next(args);
        const max = (args.input as { MaxNumberOfMessages?: number }).MaxNumberOfMessages ?? 1;
        asked += max;
        try {
          return await next(args);
        } finally {
          asked -= max;
        }
      },
      { step: 'initialize', name: 'asked-slots' },
    );
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      waitTimeSeconds: 20,
      concurrency: 2,
      batchSize: 2,
    });
    listeners.push(listener);
    const slow = deferred();
    let running = 0;
    listener
      .subscribe(undefined, async () => {
        running++;
        await slow.promise;
      })
      .start();
    await publishAll(client, queue.url, [{ n: 1 }]);
    await waitFor(() => running === 1 && asked === 1); // one slot busy, one long poll for the other
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(asked, 1);
    slow.resolve();
    await waitFor(() => listener.stats.processed === 1);
    await waitFor(() => asked === 2, { timeoutMs: 1000 }); // the freed slot is asked for without waiting 20 s
    await listener.stop({ abort: true });
  });
});
