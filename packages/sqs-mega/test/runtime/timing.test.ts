import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HandlerTimeoutError, Listener, type ListenerOptions, ProcessStatus, sleep } from 'sqs-mega';
import { createQueue, queueCounts, type TestClock, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from './helpers.js';

// The broker and the listener share one manual clock: time moves only with clock.advance(ms).
let clock: TestClock;

const fixture = brokerForFile({ time: 'manual' }, (broker) => {
  clock = broker.testClock!;
});
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions> = {}) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  // waitTimeSeconds 1: each poll ends within a second of manual-clock time, so advancing the clock
  // never leaves a listener parked in a long poll that a test does not account for.
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    clock,
    waitTimeSeconds: 1,
    shutdownTimeoutMs: 0,
    ...options,
  });
  listeners.push(listener);
  const counts = () => queueCounts(client, queue.url);
  return { client, queue, listener, counts };
}

/** Advances the shared clock in steps, letting the HTTP calls the timers start complete in between. */
async function advance(ms: number, step = 1000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('timing on the broker clock', () => {
  test('retries back off exponentially through the visibility timeout: 10 s, then 20 s', async () => {
    const { client, queue, listener, counts } = await setup('backoff', {
      backoff: { initialMs: 10_000, jitter: 'none' },
    });
    const receives: number[] = [];
    listener
      .subscribe(undefined, (_p, ctx) => {
        receives.push(ctx.receiveCount);
        return receives.length < 3 ? ProcessStatus.RETRY_LATER : ProcessStatus.DONE;
      })
      .start();
    const retried: number[] = [];
    listener.on('retried', (e) => retried.push(e.delaySeconds));
    await publishAll(client, queue.url, [{ n: 1 }]);
    await waitFor(() => retried.length === 1);
    await advance(9_000);
    assert.deepEqual(receives, [1]);
    assert.deepEqual(await counts(), { visible: 0, inFlight: 1, delayed: 0 });
    await advance(1_000);
    await waitFor(() => retried.length === 2);
    assert.deepEqual(receives, [1, 2]);
    await advance(19_000);
    assert.deepEqual(receives, [1, 2]);
    await advance(1_000);
    await waitFor(() => receives.length === 3);
    assert.deepEqual(retried, [10, 20]);
    await waitFor(async () => (await counts()).inFlight === 0);
  });

  test('the heartbeat keeps a message invisible through a handler 3x its visibility timeout', async () => {
    const { client, queue, listener, counts } = await setup('heartbeat', { visibilityTimeout: 10 });
    let finished = false;
    listener
      .subscribe(undefined, async () => {
        await sleep(clock, 30_000);
        finished = true;
      })
      .start();
    await publishAll(client, queue.url, [{ long: true }]);
    await waitFor(() => listener.stats.received === 1);
    for (let t = 0; t < 29; t++) {
      await advance(1_000);
      assert.deepEqual(await counts(), { visible: 0, inFlight: 1, delayed: 0 }, `at ${t + 1} s`);
    }
    await advance(1_000);
    await waitFor(() => finished && listener.stats.processed === 1);
    await waitFor(async () => (await counts()).inFlight === 0);
    assert.equal(listener.stats.received, 1, 'never redelivered');
  });

  test("a handler timeout aborts the handler's signal and retries the message", async () => {
    const { client, queue, listener } = await setup('timeout', {
      handlerTimeoutMs: 5_000,
      backoff: { initialMs: 60_000, jitter: 'none' },
    });
    let reason: unknown;
    listener
      .subscribe(
        undefined,
        (_p, ctx) =>
          new Promise<undefined>((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              reason = ctx.signal.reason;
              resolve(undefined);
            });
          }),
      )
      .start();
    const statuses: string[] = [];
    listener.on('processed', (e) => statuses.push(...Object.values(e.statuses)));
    await publishAll(client, queue.url, [{ slow: true }]);
    await waitFor(() => listener.stats.received === 1);
    await advance(4_000);
    assert.equal(reason, undefined);
    await advance(1_000);
    await waitFor(() => listener.stats.retried === 1);
    assert.ok((reason as unknown) instanceof HandlerTimeoutError);
    assert.deepEqual(statuses, ['retriable-error']);
  });
});
