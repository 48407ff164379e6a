import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Listener, ListenerOptionError, type ListenerOptions } from 'sqs-mega';
import { createQueue, queueCounts, waitFor, waitForEvents } from 'sqs-mega-broker/testing';
import { brokerForFile, deferred, publishAll } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions>) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, ...options });
  listeners.push(listener);
  return { client, queue, listener };
}

describe('Listener: prefetch', () => {
  test('receives up to concurrency + prefetch, and still runs at most concurrency handlers', async () => {
    const { client, queue, listener } = await setup('prefetch-runs', { concurrency: 1, prefetch: 4 });
    const gate = deferred();
    let running = 0;
    let peak = 0;
    let started = 0;
    listener
      .subscribe(undefined, async () => {
        started++;
        peak = Math.max(peak, ++running);
        await gate.promise;
        running--;
      })
      .start();
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 8 }, (_, i) => ({ i })),
    );
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 5 || undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 3, inFlight: 5, delayed: 0 });
    assert.equal(started, 1, 'four received messages wait for the one slot');
    const all = waitForEvents(listener, 'processed', 8);
    gate.resolve();
    await all;
    assert.equal(peak, 1);
  });

  test('stop() gives back the prefetched messages that have not started', async () => {
    const { client, queue, listener } = await setup('prefetch-stop', { concurrency: 1, prefetch: 3 });
    const gate = deferred();
    let started = 0;
    const released: string[] = [];
    listener.on('released', (e) => released.push(e.messageId));
    listener
      .subscribe(undefined, async () => {
        started++;
        await gate.promise;
      })
      .start();
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 4 }, (_, i) => ({ i })),
    );
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 4 || undefined);
    const stopped = listener.stop();
    gate.resolve();
    await stopped;
    assert.equal(started, 1);
    assert.equal(released.length, 3);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 3, inFlight: 0, delayed: 0 });
  });

  test('a prefetch outside 0–100 or not an integer is a ListenerOptionError naming it', () => {
    const client = fixture.client();
    for (const prefetch of [-1, 101, 1.5])
      assert.throws(
        () => new Listener({ client, queueUrl: 'http://localhost/000000000000/q', prefetch }),
        (error: unknown) => error instanceof ListenerOptionError && error.option === 'prefetch',
      );
  });
});
