import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Listener, ProcessStatus } from 'sqs-mega';
import { WorkerCrashError, WorkerPool } from 'sqs-mega/pool';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from '../runtime/helpers.js';

const WORKER = new URL('../fixtures/pool-worker.mjs', import.meta.url);
const fixture = brokerForFile();
const pools: WorkerPool[] = [];
after(() => Promise.all(pools.map((p) => p.close())));

function pool(options: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}): WorkerPool {
  const p = new WorkerPool({ filename: WORKER, size: 1, ...options });
  pools.push(p);
  return p;
}

async function setup(name: string) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const dlq = await createQueue(client, `${name}-dlq`);
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    deadLetterQueueUrl: dlq.url,
    waitTimeSeconds: 1,
    backoff: { initialMs: 1000, maxMs: 1000 },
    maxAttempts: 100, // the crashing job keeps coming back; only a fatal error dead-letters here
  });
  fixture.listeners.push(listener);
  return { client, queue, dlq, listener };
}

const context = (subscriber = 's') => ({
  messageId: 'm-1',
  receiptHandle: 'r',
  receiveCount: 1,
  attributes: {},
  systemAttributes: {},
  decoded: { kind: 'data', data: {} },
  subscriber,
  signal: new AbortController().signal,
  extendVisibility: async () => {},
  message: {},
});

describe('WorkerPool', () => {
  test('runs a job in a worker thread and returns its status; anything else is done', async () => {
    const p = pool();
    const h = p.handler();
    assert.equal(await h({ status: 'retry-later' }, context() as never), ProcessStatus.RETRY_LATER);
    assert.equal(await h({ status: 'not-a-status' }, context() as never), undefined);
    assert.notEqual(await p.handler('thread')({}, context() as never), 0, 'ran off the main thread');
  });

  test('a job over timeoutMs has its thread terminated and replaced; the next job runs', async () => {
    const p = pool({ timeoutMs: 4_000 }); // room for a cold thread on a loaded machine
    await p.handler('thread')({}, context() as never); // the worker is up and warm
    const started = Date.now();
    await assert.rejects(p.handler('spin')({ ms: 60_000 }, context() as never), {
      name: 'HandlerTimeoutError',
    });
    assert.ok(Date.now() - started < 15_000, 'the 60 s busy loop was stopped, not waited for');
    assert.equal(await p.handler()({ status: 'done' }, context() as never), 'done', 'the next job runs');
    assert.equal(p.threads, 1, 'the spinning thread is gone: one thread, as sized');
  });

  test('a crash or an out-of-memory worker fails the job with a retriable WorkerCrashError', async () => {
    const p = pool({ maxHeapMb: 32 });
    await assert.rejects(p.handler('crash')({}, context() as never), WorkerCrashError);
    await assert.rejects(
      p.handler('hog')({}, context() as never),
      (e) => e instanceof WorkerCrashError && /memory/.test(e.message),
    );
    assert.equal(await p.handler()({ status: 'done' }, context() as never), 'done', 'the pool still works');
  });

  test('invalid options are refused at construction, naming the option', () => {
    assert.throws(() => new WorkerPool({ filename: WORKER, size: 0 }), /size must be an integer >= 1/);
    assert.throws(() => new WorkerPool({ filename: WORKER, timeoutMs: -1 }), /timeoutMs must be > 0/);
    assert.throws(() => new WorkerPool({ filename: WORKER, size: 2, minSize: 3 }), /minSize/);
  });

  test('behind a real listener: a crashing job is retried, a hanging one stopped, the rest flow, the listener survives', async () => {
    const { client, queue, dlq, listener } = await setup('pool-listener');
    const p = pool({ size: 2, minSize: 2, timeoutMs: 5_000, maxHeapMb: 32 });
    await Promise.all([p.handler()({}, context() as never), p.handler()({}, context() as never)]); // warm
    const outcomes = new Map<string, string[]>();
    listener.on('processed', (e) => {
      const seen = outcomes.get(e.messageId) ?? [];
      seen.push(e.verdict);
      outcomes.set(e.messageId, seen);
    });
    listener.subscribe({ job: 'echo' }, p.handler(), { name: 'echo' });
    listener.subscribe({ job: 'crash' }, p.handler('crash'), { name: 'crash' });
    listener.subscribe({ job: 'spin' }, p.handler('spin'), { name: 'spin' });
    listener.subscribe({ job: 'fail' }, p.handler('fail'), { name: 'fail' });
    listener.start();
    const [crash = '', spin = '', fail = '', ...echoes] = await publishAll(client, queue.url, [
      { job: 'crash' },
      { job: 'spin', ms: 60_000 },
      { job: 'fail' },
      ...Array.from({ length: 10 }, (_, i) => ({ job: 'echo', status: 'done', i })),
    ]);
    const all = [crash, spin, fail, ...echoes];
    await waitFor(() => all.every((id) => outcomes.has(id)) && (outcomes.get(crash)?.length ?? 0) >= 2, {
      timeoutMs: 40_000,
      message: 'every job processed, and the crashed one retried',
    });
    for (const id of echoes) assert.deepEqual(outcomes.get(id), ['done']);
    assert.equal(outcomes.get(crash)?.[0], 'retry', 'a crash is a retry, not a dead letter');
    assert.equal(outcomes.get(crash)?.[1], 'retry', 'and it came back for another try');
    assert.equal(outcomes.get(spin)?.[0], 'retry', 'a timeout is a retry');
    assert.deepEqual(
      outcomes.get(fail),
      ['fatal'],
      'an ordinary error thrown by the job is classified as usual',
    );
    const dead = await queueCounts(client, dlq.url);
    assert.equal(dead.visible, 1, 'only the job that threw an ordinary error was dead-lettered');
  });
});
