import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  DEAD_LETTER_SOURCE_ATTRIBUTE,
  Listener,
  type ListenerOptions,
  type ListenerQueue,
  ProcessStatus,
} from 'sqs-mega';
import {
  type CreatedQueue,
  createQueue,
  type QueueSpec,
  queueCounts,
  receiveAll,
  waitFor,
} from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from '../runtime/helpers.js';
import { count, receivedFrom, recordCommands } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

type Options = Omit<ListenerOptions, 'client' | 'queues' | 'queueUrl'>;

/** A listener over `queues` (created here, by name) with a client of its own. */
async function setup(names: QueueSpec[], queueOptions: Omit<ListenerQueue, 'url'>[], options: Options = {}) {
  const client = fixture.client();
  const queues: CreatedQueue[] = [];
  for (const spec of names) queues.push(await createQueue(client, spec));
  const listener = new Listener({
    client,
    queues: queues.map((q, i) => ({ url: q.url, ...queueOptions[i] })),
    waitTimeSeconds: 1,
    ...options,
  });
  listeners.push(listener);
  const drained = async () => {
    for (const q of queues) {
      const c = await queueCounts(client, q.url);
      if (c.visible + c.inFlight > 0) return false;
    }
    return true;
  };
  return { client, queues, listener, drained };
}

const range = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ tag, i }));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('priority listener: strict', () => {
  test('with a backlog in both, every high-priority message is received before any low one', async () => {
    const { client, queues, listener, drained } = await setup(['strict-high', 'strict-low'], [{}, {}], {
      concurrency: 5,
    });
    const [high, low] = queues.map((q) => q.url) as [string, string];
    await publishAll(client, high, range(40, 'high'));
    await publishAll(client, low, range(40, 'low'));
    const order = receivedFrom(listener);
    listener.subscribe(undefined, () => pause(2)).start();
    await waitFor(() => listener.stats.processed === 80, { timeoutMs: 20_000 });
    assert.deepEqual(order.slice(0, 40), Array(40).fill(high));
    assert.deepEqual(order.slice(40), Array(40).fill(low));
    await waitFor(drained);
  });

  test('the low queue drains while the high one is empty, and a high message arriving mid-flood jumps it', async () => {
    const { client, queues, listener, drained } = await setup(['jump-high', 'jump-low'], [{}, {}], {
      concurrency: 4,
    });
    const [high, low] = queues.map((q) => q.url) as [string, string];
    await publishAll(client, low, range(150, 'low'));
    const order = receivedFrom(listener);
    listener.subscribe(undefined, () => pause(5)).start();
    await waitFor(() => count(order, low) >= 20, { timeoutMs: 20_000 });
    await publishAll(client, high, [{ tag: 'urgent' }]);
    await waitFor(() => order.includes(high), { timeoutMs: 20_000 });
    const lowBefore = count(order.slice(0, order.indexOf(high)), low);
    assert.ok(lowBefore < 150, `the high message waited for the whole low backlog (${lowBefore} low first)`);
    await waitFor(() => listener.stats.processed === 151, { timeoutMs: 30_000 });
    await waitFor(drained);
  });

  test('minShare keeps a lower queue flowing while a higher one has a backlog (no starvation)', async () => {
    const { client, queues, listener } = await setup(['share-high', 'share-low'], [{}, { minShare: 0.2 }], {
      concurrency: 5,
    });
    const [high, low] = queues.map((q) => q.url) as [string, string];
    await publishAll(client, high, range(200, 'high'));
    await publishAll(client, low, range(200, 'low'));
    const order = receivedFrom(listener);
    listener.subscribe(undefined, () => pause(2)).start();
    await waitFor(() => order.length >= 150, { timeoutMs: 30_000 });
    const first = order.slice(0, 150);
    const lows = count(first, low);
    // 20 % of 150 is 30; the slots are granted one by one, so only rounding moves it.
    assert.ok(lows >= 20 && lows <= 45, `low got ${lows} of the first 150 (expected about 30)`);
    assert.ok(count(first, high) >= 105);
  });
});

describe('priority listener: weighted', () => {
  test('slots are shared by weight (70/20/10) over a few hundred messages', async () => {
    const { client, queues, listener } = await setup(
      ['weights-a', 'weights-b', 'weights-c'],
      [{ weight: 70 }, { weight: 20 }, { weight: 10 }],
      { concurrency: 10, priority: { policy: 'weighted' } },
    );
    const urls = queues.map((q) => q.url);
    for (const [i, url] of urls.entries()) await publishAll(client, url, range(300, `q${i}`));
    const order = receivedFrom(listener);
    listener.subscribe(undefined, () => pause(2)).start();
    await waitFor(() => order.length >= 300, { timeoutMs: 30_000 });
    const shares = urls.map((url) => count(order.slice(0, 300), url) / 300);
    for (const [i, expected] of [0.7, 0.2, 0.1].entries())
      assert.ok(
        Math.abs((shares[i] as number) - expected) <= 0.07,
        `queue ${i} got ${(shares[i] as number).toFixed(3)}, expected ${expected} (shares ${shares.map((s) => s.toFixed(3))})`,
      );
  });

  test('work-conserving: the share of an empty queue goes to the others, and a small weight never starves', async () => {
    const { client, queues, listener, drained } = await setup(
      ['conserve-a', 'conserve-b', 'conserve-c'],
      [{ weight: 70 }, { weight: 25 }, { weight: 5 }],
      { concurrency: 5, priority: { policy: 'weighted' } },
    );
    const [a, b, c] = queues.map((q) => q.url) as [string, string, string];
    await publishAll(client, b, range(80, 'b'));
    await publishAll(client, c, range(80, 'c'));
    const order = receivedFrom(listener);
    listener.subscribe(undefined, () => pause(1)).start();
    await waitFor(() => listener.stats.processed === 160, { timeoutMs: 60_000 });
    assert.equal(count(order, a), 0);
    // a is empty: b and c share by 25/5 (c: 1/6, about 16 of the first 100), c not starved while b has work.
    const c100 = count(order.slice(0, 100), c);
    assert.ok(c100 >= 6, `c got ${c100} of the first 100 while b had a backlog`);
    await waitFor(drained);
  });
});

describe('priority listener: per-queue behaviour', () => {
  test('deletes, heartbeats and events go to the queue each message came from', async () => {
    const { client, queues, listener, drained } = await setup(['own-a', 'own-b'], [{}, {}], {
      visibilityTimeout: 2,
      heartbeatSeconds: 0.3,
    });
    const sent = recordCommands(client);
    const [a, b] = queues.map((q) => q.url) as [string, string];
    await publishAll(client, a, range(3, 'a'));
    await publishAll(client, b, range(3, 'b'));
    const from = new Map<string, string>();
    const mismatched: string[] = [];
    listener.on('received', (e) => {
      from.set(e.message.ReceiptHandle ?? '', e.queueUrl);
      const tag = (JSON.parse(e.message.Body ?? '{}') as { tag: string }).tag;
      if ((tag === 'a') !== (e.queueUrl === a)) mismatched.push(`${tag} from ${e.queueUrl}`);
    });
    const processedFrom: string[] = [];
    listener.on('processed', (e) => processedFrom.push(e.queueUrl));
    listener.subscribe(undefined, () => pause(800)).start();
    await waitFor(() => listener.stats.processed === 6, { timeoutMs: 20_000 });
    await waitFor(drained);
    assert.deepEqual(mismatched, []);
    assert.equal(count(processedFrom, a), 3);
    assert.equal(count(processedFrom, b), 3);
    const acks = sent.filter(
      (c) => c.name === 'DeleteMessageBatch' || c.name === 'ChangeMessageVisibilityBatch',
    );
    const heartbeats = new Set<string>();
    let deletes = 0;
    for (const command of acks)
      for (const entry of command.input.Entries ?? []) {
        assert.equal(
          from.get(entry.ReceiptHandle ?? ''),
          command.input.QueueUrl,
          `${command.name} to the wrong queue`,
        );
        if (command.name === 'DeleteMessageBatch') deletes++;
        else if (entry.VisibilityTimeout === 2) heartbeats.add(command.input.QueueUrl ?? '');
      }
    assert.equal(deletes, 6);
    assert.deepEqual([...heartbeats].sort(), [a, b].sort(), 'both queues got heartbeats');
  });

  test('each queue dead-letters to its own RedrivePolicy target, after its own maxReceiveCount', async () => {
    const { client, queues, listener, drained } = await setup(
      [
        { name: 'dl-a', deadLetter: { maxReceiveCount: 2 } },
        { name: 'dl-b', deadLetter: { maxReceiveCount: 4 } },
      ],
      [{}, {}],
      { backoff: { initialMs: 0, jitter: 'none' } },
    );
    const [a, b] = queues as [(typeof queues)[0], (typeof queues)[0]];
    const runs = new Map<string, number>();
    listener
      .subscribe(undefined, (payload: { tag: string }) => {
        runs.set(payload.tag, (runs.get(payload.tag) ?? 0) + 1);
        return ProcessStatus.RETRIABLE_ERROR;
      })
      .start();
    await publishAll(client, a.url, [{ tag: 'a' }]);
    await publishAll(client, b.url, [{ tag: 'b' }]);
    await waitFor(() => listener.stats['dead-lettered'] === 2, { timeoutMs: 20_000 });
    await waitFor(drained);
    assert.deepEqual(Object.fromEntries(runs), { a: 2, b: 4 });
    for (const q of [a, b]) {
      const moved = await receiveAll(client, q.deadLetter?.url ?? '');
      assert.equal(moved.length, 1, `one message in ${q.name}'s dead-letter queue`);
      const attributes = moved[0]?.MessageAttributes ?? {};
      assert.equal(attributes[DEAD_LETTER_SOURCE_ATTRIBUTE]?.StringValue, q.url);
      assert.match(attributes[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ?? '', /max attempts/);
    }
  });

  test('a FIFO queue among them keeps its group order; a standard one beside it flows', async () => {
    const { client, queues, listener, drained } = await setup(
      [{ name: 'mixed-high.fifo', attributes: { ContentBasedDeduplication: 'true' } }, 'mixed-low'],
      [{}, {}],
      { concurrency: 6 },
    );
    const [fifo, standard] = queues.map((q) => q.url) as [string, string];
    const grouped = Array.from({ length: 20 }, (_, i) => ({ tag: 'fifo', group: `g${i % 3}`, i }));
    await publishAll(client, fifo, grouped);
    await publishAll(client, standard, range(20, 'std'));
    const seen = new Map<string, number[]>();
    let concurrentInGroup = false;
    const running = new Set<string>();
    listener
      .subscribe(undefined, async (p: { tag: string; group?: string; i: number }) => {
        if (p.group) {
          if (running.has(p.group)) concurrentInGroup = true;
          running.add(p.group);
          seen.set(p.group, [...(seen.get(p.group) ?? []), p.i]);
        }
        await pause(3);
        if (p.group) running.delete(p.group);
      })
      .start();
    await waitFor(() => listener.stats.processed === 40, { timeoutMs: 20_000 });
    await waitFor(drained);
    assert.equal(concurrentInGroup, false);
    for (const [group, order] of seen) {
      const expected = grouped.filter((g) => g.group === group).map((g) => g.i);
      assert.deepEqual(order, expected, `group ${group} in order`);
    }
  });
});

describe('priority listener: idle and stop', () => {
  test('an idle listener makes about one long poll per queue per wait time, no spinning', async () => {
    const { client, listener } = await setup(['idle-a', 'idle-b', 'idle-c'], [{}, {}, {}]);
    const sent = recordCommands(client);
    listener.subscribe(undefined, () => {}).start();
    await pause(3000);
    const receives = sent.filter((c) => c.name === 'ReceiveMessage');
    const short = receives.filter((c) => c.input.WaitTimeSeconds === 0);
    // 3 queues × (3 s / 1 s wait + the first probe) ≈ 12; a spinning loop makes thousands.
    assert.ok(receives.length >= 3 && receives.length <= 18, `${receives.length} receives in 3 s`);
    assert.ok(short.length <= 6, `${short.length} short polls (only the first look at each queue)`);
    await listener.stop();
  });

  test('stop() lets the long polls land, then resolves; nothing is received after it', async () => {
    const { client, queues, listener } = await setup(['stop-a', 'stop-b'], [{}, {}]);
    const sent = recordCommands(client);
    listener.subscribe(undefined, () => {}).start();
    await pause(300);
    const started = Date.now();
    await listener.stop();
    assert.ok(Date.now() - started < 5000);
    const before = sent.length;
    await publishAll(client, queues[0]?.url ?? '', [{ late: true }]);
    await pause(300);
    assert.equal(sent.filter((c, i) => i >= before && c.name === 'ReceiveMessage').length, 0);
    assert.equal(listener.stats.received, 0);
  });
});
