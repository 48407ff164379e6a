import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createMegaEvent,
  DataSubscriber,
  EventSubscriber,
  Listener,
  type ListenerOptions,
  type MegaPayload,
  type MessageContext,
  ProcessStatus,
} from 'sqs-mega';
import { createQueue, queueCounts, waitFor, waitForEvents } from 'sqs-mega-broker/testing';
import { brokerForFile, countCommands, deferred, publishAll } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions> = {}) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, ...options });
  listeners.push(listener);
  return { client, queue, listener };
}

describe('Listener: dispatch', () => {
  test('each message goes to every matching subscriber, concurrently; non-matching ones are skipped', async () => {
    const { client, queue, listener } = await setup('dispatch');
    const seen: string[] = [];
    const both = deferred();
    let running = 0;
    class OrderPlaced extends EventSubscriber {
      override pattern = { event: { name: 'order.placed' } };
      async process(event: MegaPayload) {
        running++;
        if (running === 2) both.resolve();
        await both.promise; // both subscribers of the same message run at the same time
        seen.push(`class:${event.event.subject}`);
      }
    }
    class Notifications extends DataSubscriber<{ type: string }> {
      override pattern = { type: 'notification' };
      process(data: { type: string }) {
        seen.push(`data:${data.type}`);
      }
    }
    listener
      .subscribe(new OrderPlaced())
      .subscribe(new Notifications())
      .subscribe({
        kind: 'event',
        name: 'orders',
        pattern: { event: { domain: 'shop' } },
        handler: async (e: MegaPayload) => {
          running++;
          if (running === 2) both.resolve();
          await both.promise;
          seen.push(`fn:${e.event.subject}`);
        },
      })
      .subscribe({ type: 'never' }, () => {
        seen.push('never');
      })
      .start();
    const processed = waitForEvents(listener, 'processed', 2);
    await publishAll(client, queue.url, [
      createMegaEvent({ name: 'order.placed', domain: 'shop', subject: 'o-1' }),
      { type: 'notification' },
    ]);
    const events = await processed;
    assert.deepEqual(seen.sort(), ['class:o-1', 'data:notification', 'fn:o-1']);
    assert.ok(events.every((e) => e.verdict === 'done'));
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0);
  });

  test('handlers get the message id, receive count, attributes and a signal', async () => {
    const { client, queue, listener } = await setup('context');
    const got = deferred<{ payload: unknown; context: MessageContext }>();
    listener.subscribe(undefined, (payload, context) => got.resolve({ payload, context })).start();
    const [id] = await publishAll(client, queue.url, ['plain text']);
    const { payload, context } = await got.promise;
    assert.equal(payload, 'plain text');
    assert.equal(context.messageId, id);
    assert.equal(context.receiveCount, 1);
    assert.equal(context.attributes['mega-encoding']?.StringValue, 'text');
    assert.equal(context.decoded.kind, 'text');
    assert.equal(context.signal.aborted, false);
  });

  test('unmatched messages are deleted by default, logged and counted', async () => {
    const { client, queue, listener } = await setup('unmatched');
    listener.subscribe({ type: 'a' }, () => {}).start();
    const unmatched = waitForEvents(listener, 'unmatched', 1);
    await publishAll(client, queue.url, [{ type: 'b' }]);
    assert.equal((await unmatched)[0]?.action, 'delete');
    await waitFor(async () => {
      const c = await queueCounts(client, queue.url);
      return c.visible + c.inFlight === 0;
    });
    assert.equal(listener.stats.unmatched, 1);
  });
});

describe('Listener: concurrency and backpressure', () => {
  test('runs 25 handlers at once with batches of 10, and never more than its limit', async () => {
    const { client, queue, listener } = await setup('wide', { concurrency: 25, batchSize: 10 });
    let active = 0;
    let peak = 0;
    const gate = deferred();
    listener
      .subscribe(undefined, async () => {
        active++;
        peak = Math.max(peak, active);
        await gate.promise;
        active--;
      })
      .start();
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 40 }, (_, i) => ({ i })),
    );
    await waitFor(() => active === 25 || undefined);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peak, 25);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 15, inFlight: 25, delayed: 0 });
    const all = waitForEvents(listener, 'processed', 40);
    gate.resolve();
    await all;
    assert.equal(peak, 25);
  });

  test('backpressure: receives only into free capacity, nothing prefetched beyond it', async () => {
    const { client, queue, listener } = await setup('narrow', { concurrency: 3 });
    const gate = deferred();
    let started = 0;
    listener
      .subscribe(undefined, async () => {
        started++;
        await gate.promise;
      })
      .start();
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 20 }, (_, i) => ({ i })),
    );
    await waitFor(() => started === 3 || undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 17, inFlight: 3, delayed: 0 });
    assert.equal(listener.stats.received, 3);
    const all = waitForEvents(listener, 'processed', 20);
    gate.resolve();
    await all;
  });

  test('a per-subscriber limit bounds that subscriber only', async () => {
    const { client, queue, listener } = await setup('per-subscriber', { concurrency: 10 });
    let slow = 0;
    let slowPeak = 0;
    let fast = 0;
    listener
      .subscribe(
        undefined,
        async () => {
          slow++;
          slowPeak = Math.max(slowPeak, slow);
          await new Promise((r) => setTimeout(r, 20));
          slow--;
        },
        { name: 'slow', concurrency: 2 },
      )
      .subscribe(
        undefined,
        () => {
          fast++;
        },
        { name: 'fast' },
      )
      .start();
    const all = waitForEvents(listener, 'processed', 10);
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 10 }, (_, i) => ({ i })),
    );
    await all;
    assert.equal(slowPeak, 2);
    assert.equal(fast, 10);
  });

  test('deletes are batched', async () => {
    const { client, queue, listener } = await setup('batched-deletes', { concurrency: 10 });
    const counts = countCommands(client);
    listener.subscribe(undefined, () => {});
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 10 }, (_, i) => ({ i })),
    );
    const all = waitForEvents(listener, 'processed', 10);
    listener.start();
    await all;
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0);
    assert.equal(counts.get('DeleteMessage'), undefined);
    assert.ok(
      (counts.get('DeleteMessageBatch') ?? 0) <= 2,
      `${counts.get('DeleteMessageBatch')} batch calls`,
    );
  });
});

describe('Listener: statuses', () => {
  test('the message is deleted only when every matching subscriber is done; a redelivery re-runs only the unfinished ones', async () => {
    const { client, queue, listener } = await setup('partial', { backoff: { initialMs: 0, jitter: 'none' } });
    const runs: string[] = [];
    let flaky = 0;
    listener
      .subscribe(
        undefined,
        () => {
          runs.push('steady');
        },
        { name: 'steady' },
      )
      .subscribe(
        undefined,
        () => {
          runs.push('flaky');
          return flaky++ === 0 ? ProcessStatus.RETRY_LATER : ProcessStatus.DONE;
        },
        { name: 'flaky' },
      )
      .start();
    const processed = waitForEvents(listener, 'processed', 2);
    await publishAll(client, queue.url, [{ x: 1 }]);
    const [first, second] = await processed;
    assert.equal(first?.verdict, 'retry');
    assert.equal(second?.verdict, 'done');
    assert.deepEqual(runs.sort(), ['flaky', 'flaky', 'steady']);
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0);
    assert.equal(listener.stats.retried, 1);
  });

  test('subscribers named __proto__ or constructor have statuses like any other', async () => {
    const { client, queue, listener } = await setup('inherited-names', {
      backoff: { initialMs: 0, jitter: 'none' },
    });
    let tries = 0;
    listener
      .subscribe(undefined, () => (tries++ === 0 ? ProcessStatus.RETRY_LATER : ProcessStatus.DONE), {
        name: '__proto__',
      })
      .subscribe(undefined, () => ProcessStatus.DONE, { name: 'constructor' })
      .start();
    const processed = waitForEvents(listener, 'processed', 2);
    await publishAll(client, queue.url, [{ x: 1 }]);
    const [first, second] = await processed;
    assert.equal(first?.verdict, 'retry', "the __proto__ subscriber's RETRY_LATER counts");
    assert.deepEqual(Object.keys(first?.statuses ?? {}).sort(), ['__proto__', 'constructor']);
    assert.equal(second?.verdict, 'done');
    assert.equal(tries, 2);
  });

  test('retriable errors are retried; fatal beats retry', async () => {
    const { client, queue, listener } = await setup('statuses', {
      backoff: { initialMs: 0, jitter: 'none' },
    });
    let attempts = 0;
    listener
      .subscribe(
        { k: 'transient' },
        () => {
          if (attempts++ < 2)
            throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        },
        { name: 'transient' },
      )
      .subscribe({ k: 'mixed' }, () => ProcessStatus.RETRIABLE_ERROR, { name: 'retry' })
      .subscribe({ k: 'mixed' }, () => ProcessStatus.FATAL_ERROR, { name: 'fatal' })
      .start();
    const events: { messageId: string; verdict: string; statuses: object }[] = [];
    listener.on('processed', (e) => events.push(e));
    const [transient, mixed] = await publishAll(client, queue.url, [{ k: 'transient' }, { k: 'mixed' }]);
    await waitFor(() => events.some((e) => e.messageId === transient && e.verdict === 'done'));
    const verdicts = (id?: string) => events.filter((e) => e.messageId === id).map((e) => e.verdict);
    assert.deepEqual(verdicts(transient), ['retry', 'retry', 'done']);
    assert.equal(verdicts(mixed)[0], 'fatal');
    assert.deepEqual(events.find((e) => e.messageId === mixed)?.statuses, {
      retry: 'retriable-error',
      fatal: 'fatal-error',
    });
  });
});
