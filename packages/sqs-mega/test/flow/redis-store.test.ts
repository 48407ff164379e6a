import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { redisFlowStore } from 'sqs-mega/flow/redis';

// Two stores (two clients, as two processes would have) on one real Redis and one prefix.
const prefix = `mega:flow:test:${randomUUID()}:`;
const a = redisFlowStore({ prefix });
const b = redisFlowStore({ prefix });
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe('redisFlowStore', () => {
  test('one token bucket shared by two processes: burst then refusals with growing waits', async () => {
    const results: number[] = [];
    for (let i = 0; i < 6; i++) results.push(await (i % 2 === 0 ? a : b).take('tenant-x', 1, 4));
    assert.deepEqual(results.slice(0, 4), [0, 0, 0, 0], 'the burst of 4 is shared');
    assert.ok(results[4]! > 0 && results[5]! > results[4]!, `refused with successive slots: ${results}`);
    assert.equal(await b.take('tenant-y', 1, 4), 0, 'another key has its own bucket');
  });

  test('a concurrency cap shared by two processes; a released slot is free again', async () => {
    const r1 = await a.acquire('busy', 2);
    const r2 = await b.acquire('busy', 2);
    assert.ok(r1 && r2);
    assert.equal(await a.acquire('busy', 2), undefined);
    assert.equal(await b.acquire('busy', 2), undefined);
    await r1();
    const r3 = await b.acquire('busy', 2);
    assert.ok(r3);
    await Promise.all([r2(), r3()]);
  });
});
