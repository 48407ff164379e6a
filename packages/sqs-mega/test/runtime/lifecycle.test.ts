import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Listener, type ListenerOptions, ProcessStatus } from 'sqs-mega';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions> = {}) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const make = (extra: Partial<ListenerOptions> = {}) => {
    const listener = new Listener({ client, queueUrl: queue.url, ...options, ...extra });
    listeners.push(listener);
    return listener;
  };
  return { client, queue, make, counts: () => queueCounts(client, queue.url) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown', () => {
  test('stop({ abort: true }) ends an idle long poll at once', async () => {
    const { make } = await setup('idle', { waitTimeSeconds: 20 });
    const listener = make().start();
    await pause(50);
    const started = performance.now();
    await listener.stop({ abort: true });
    assert.ok(performance.now() - started < 500, `${performance.now() - started} ms`);
  });

  test('stop() lets an idle long poll end by itself (up to waitTimeSeconds) and takes nothing after', async () => {
    const { client, queue, make, counts } = await setup('idle-landing', { waitTimeSeconds: 1 });
    const listener = make()
      .subscribe(undefined, () => {})
      .start();
    await pause(50);
    const started = performance.now();
    const stopped = listener.stop();
    await publishAll(client, queue.url, [{ late: true }]);
    await stopped;
    const took = performance.now() - started;
    assert.ok(took < 2500, `${took} ms`);
    assert.equal(listener.stats.processed, 0, 'nothing processed after stop()');
    assert.deepEqual(await counts(), { visible: 1, inFlight: 0, delayed: 0 });
  });

  test('drains in-flight handlers, flushes deletes, leaves the rest: zero redeliveries across two consumers', async () => {
    const { client, queue, make, counts } = await setup('drain', { concurrency: 5, waitTimeSeconds: 1 });
    const handled = new Map<string, number>();
    let active = 0;
    const handler = async (_: unknown, ctx: { messageId: string }) => {
      active++;
      await pause(100);
      handled.set(ctx.messageId, (handled.get(ctx.messageId) ?? 0) + 1);
      active--;
    };
    const first = make().subscribe(undefined, handler);
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 20 }, (_, i) => ({ i })),
    );
    first.start();
    await waitFor(() => active === 5);
    await first.stop();
    assert.equal(handled.size, 5, 'the in-flight handlers finished');
    assert.deepEqual(await counts(), { visible: 15, inFlight: 0, delayed: 0 });
    const second = make().subscribe(undefined, handler).start();
    await waitFor(() => handled.size === 20, { timeoutMs: 5000 });
    await second.stop();
    assert.deepEqual([...new Set(handled.values())], [1], 'every message handled exactly once');
    assert.deepEqual(await counts(), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('past the deadline, handler signals abort and their messages are released at once', async () => {
    // concurrency 1: no receive is pending while the message runs.
    const { client, queue, make, counts } = await setup('deadline', {
      shutdownTimeoutMs: 100,
      waitTimeSeconds: 1,
      concurrency: 1,
    });
    let aborted = false;
    const listener = make()
      .subscribe(
        undefined,
        (_p, ctx) =>
          new Promise<typeof ProcessStatus.RETRY_LATER>((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve(ProcessStatus.RETRY_LATER);
            }),
          ),
      )
      .start();
    await publishAll(client, queue.url, [{ stuck: true }]);
    await waitFor(() => listener.stats.received === 1);
    await listener.stop();
    assert.ok(aborted);
    assert.deepEqual(await counts(), { visible: 1, inFlight: 0, delayed: 0 });
  });
});

describe('FIFO ordering', () => {
  test('one group in order, one at a time; groups in parallel; a failure releases the rest of its group', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, { name: 'orders', fifo: true });
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      concurrency: 10,
      waitTimeSeconds: 1,
      backoff: { initialMs: 0, jitter: 'none' },
    });
    listeners.push(listener);
    const order: string[] = [];
    const activeByGroup = new Map<string, number>();
    let peakGroups = 0;
    let failedOnce = false;
    listener.subscribe(undefined, async (payload) => {
      const { group, n } = payload as { group: string; n: number };
      activeByGroup.set(group, (activeByGroup.get(group) ?? 0) + 1);
      assert.equal(activeByGroup.get(group), 1, `group ${group} runs one at a time`);
      peakGroups = Math.max(peakGroups, [...activeByGroup.values()].filter((v) => v > 0).length);
      await pause(10);
      activeByGroup.set(group, (activeByGroup.get(group) ?? 1) - 1);
      order.push(`${group}${n}`);
      if (group === 'A' && n === 2 && !failedOnce) {
        failedOnce = true;
        return ProcessStatus.RETRY_LATER;
      }
      return undefined;
    });
    const payloads = [1, 2, 3, 4, 5].flatMap((n) => [
      { group: 'A', n },
      { group: 'B', n },
    ]);
    // deduplication ids: FIFO queues without content-based deduplication need one
    const { SqsPublisher } = await import('sqs-mega');
    const publisher = new SqsPublisher({
      client,
      queueUrl: queue.url,
      groupId: (p) => (p as { group: string }).group,
      deduplicationId: 'content',
    });
    for (const p of payloads) await publisher.publish(p);
    // Started once all are queued, so that receives carry both groups (published one by one to a
    // running listener, each message may come alone, faster than the handlers could overlap).
    listener.start();
    await waitFor(() => order.length === 11, { timeoutMs: 5000 });
    assert.deepEqual(
      order.filter((x) => x.startsWith('A')),
      ['A1', 'A2', 'A2', 'A3', 'A4', 'A5'],
    );
    assert.deepEqual(
      order.filter((x) => x.startsWith('B')),
      ['B1', 'B2', 'B3', 'B4', 'B5'],
    );
    assert.equal(peakGroups, 2, 'the groups ran in parallel');
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0);
  });
});
