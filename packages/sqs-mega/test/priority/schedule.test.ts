import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveQueues } from '../../src/listen/priority/options.js';
import { type Lane, landed, lanes, type PlannedReceive, plan } from '../../src/listen/priority/schedule.js';

// The scheduling decisions alone (no I/O): which receives start with how many free slots.

const limits = { batchSize: 10, maxWorkReceives: 4 };
const url = (n: string) => `http://localhost/000000000000/${n}`;

function summary(receives: PlannedReceive[]): string[] {
  return receives.map((r) => `${r.lane.index}:${r.watch ? 'watch' : 'short'}:${r.max}`);
}

describe('priority schedule', () => {
  test('priorities: a higher number is received first; equal priorities share a level by weight', () => {
    const { queues } = resolveQueues({
      queues: [
        { url: url('low'), priority: 1 },
        { url: url('high-a'), priority: 9, weight: 3 },
        { url: url('high-b'), priority: 9, weight: 1 },
      ],
    });
    assert.deepEqual(
      queues.map((q) => q.level),
      [1, 0, 0],
    );
    const all = lanes(queues);
    const first = plan(all, 'strict', 8, 0, limits);
    assert.deepEqual(summary(first), ['1:short:6', '2:short:2']);
  });

  test('strict: an empty higher queue is watched by a one-slot long poll while the lower one works', () => {
    const all = lanes(resolveQueues({ queues: [{ url: url('h') }, { url: url('l') }] }).queues);
    const [high, low] = all as [Lane, Lane];
    high.state = 'empty';
    low.state = 'busy';
    assert.deepEqual(summary(plan(all, 'strict', 10, 0, limits)), ['0:watch:1', '1:short:9']);
  });

  test('strict: a lower queue is not received from while a higher one has work, unless it has a minShare', () => {
    const plain = lanes(resolveQueues({ queues: [{ url: url('h') }, { url: url('l') }] }).queues);
    assert.deepEqual(summary(plan(plain, 'strict', 10, 0, limits)), ['0:short:10']);
    const shared = lanes(
      resolveQueues({ queues: [{ url: url('h') }, { url: url('l'), minShare: 0.3 }] }).queues,
    );
    assert.deepEqual(summary(plan(shared, 'strict', 10, 0, limits)), ['0:short:7', '1:short:3']);
  });

  test('idle: only long polls, one per queue; the slots left stay free', () => {
    const all = lanes(
      resolveQueues({ queues: [{ url: url('a') }, { url: url('b') }, { url: url('c') }] }).queues,
    );
    for (const l of all) l.state = 'empty';
    assert.deepEqual(summary(plan(all, 'strict', 10, 0, limits)), ['0:watch:1', '1:watch:1', '2:watch:1']);
    assert.deepEqual(summary(plan(all, 'strict', 7, 0, limits)), [], 'each already has its long poll');
  });

  test('fewer slots than queues: the unwatched queue gets a short look after work lands, never a spin', () => {
    const all = lanes(resolveQueues({ queues: [{ url: url('h') }, { url: url('l') }] }).queues);
    const [high, low] = all as [Lane, Lane];
    high.state = 'empty';
    low.state = 'busy';
    // One slot: it goes to work (the low queue), not to a long poll on the high one.
    const [work] = plan(all, 'strict', 1, 0, limits);
    assert.deepEqual(summary([work as PlannedReceive]), ['1:short:1']);
    landed(all, work as PlannedReceive, 1);
    assert.equal(high.state, 'unknown', 'the high queue is worth a new look');
    const [look] = plan(all, 'strict', 1, 0, limits);
    assert.deepEqual(summary([look as PlannedReceive]), ['0:short:1']);
    landed(all, look as PlannedReceive, 0);
    assert.equal(high.state, 'empty');
    assert.equal(low.state, 'busy', 'an empty look marks nothing else');
  });

  test('weighted: slots go one by one to the queue furthest behind its share', () => {
    const all = lanes(
      resolveQueues({
        queues: [
          { url: url('a'), weight: 70 },
          { url: url('b'), weight: 20 },
          { url: url('c'), weight: 10 },
        ],
        priority: { policy: 'weighted' },
      }).queues,
    );
    const got = [0, 0, 0];
    for (let i = 0; i < 1000; i++)
      for (const receive of plan(all, 'weighted', 1, 0, limits)) {
        got[receive.lane.index] = (got[receive.lane.index] ?? 0) + receive.max;
        landed(all, receive, receive.max);
      }
    assert.deepEqual(got, [700, 200, 100]);
  });

  test('weighted: a queue back from empty starts at the others’ level (no catch-up burst)', () => {
    const all = lanes(
      resolveQueues({ queues: [{ url: url('a') }, { url: url('b') }], priority: { policy: 'weighted' } })
        .queues,
    );
    const [a, b] = all as [Lane, Lane];
    b.state = 'empty';
    b.watching = true;
    for (let i = 0; i < 100; i++) for (const r of plan(all, 'weighted', 1, 0, limits)) landed(all, r, r.max);
    b.watching = false;
    b.state = 'busy';
    const got = [0, 0];
    for (let i = 0; i < 20; i++)
      for (const r of plan(all, 'weighted', 1, 0, limits)) {
        got[r.lane.index] = (got[r.lane.index] ?? 0) + 1;
        landed(all, r, r.max);
      }
    assert.ok(Math.abs((got[0] ?? 0) - (got[1] ?? 0)) <= 2, `shares after b came back: ${got}`);
    assert.ok(a.served > 0);
  });

  test('a failing queue is skipped until its backoff ends; the others go on', () => {
    const all = lanes(resolveQueues({ queues: [{ url: url('h') }, { url: url('l') }] }).queues);
    const [high] = all as [Lane];
    high.retryAt = 5000;
    assert.deepEqual(summary(plan(all, 'strict', 10, 1000, limits)), ['1:short:10']);
  });
});
