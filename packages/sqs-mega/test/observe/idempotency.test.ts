import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createMegaEvent, Listener, type ListenerOptions, ProcessStatus, RetriableError } from 'sqs-mega';
import { defaultIdempotencyKey, IdempotencyStoreError, idempotency } from 'sqs-mega/idempotency';
import { postgresStore, transactionOf } from 'sqs-mega/idempotency/postgres';
import { redisStore } from 'sqs-mega/idempotency/redis';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from '../runtime/helpers.js';
import { TcpProxy } from './proxy.js';
import { PG_URL, runId, storeKinds } from './stores.js';

const fixture = brokerForFile();
const { kinds, cleanup } = storeKinds();
after(cleanup);

async function queue(name: string) {
  const client = fixture.client();
  const created = await createQueue(client, `${name}-${runId()}`);
  return { client, url: created.url };
}

function listen(client: ReturnType<typeof fixture.client>, url: string, options: Partial<ListenerOptions>) {
  const listener = new Listener({
    client,
    queueUrl: url,
    waitTimeSeconds: 1,
    visibilityTimeout: 5,
    backoff: { initialMs: 200, maxMs: 500, jitter: 'none' },
    ...options,
  });
  fixture.listeners.push(listener);
  return listener;
}

const drained = (client: ReturnType<typeof fixture.client>, url: string) =>
  waitFor(
    async () => {
      const c = await queueCounts(client, url);
      return c.visible === 0 && c.inFlight === 0 && c.delayed === 0;
    },
    { timeoutMs: 15_000, message: 'queue drained' },
  );

for (const kind of kinds) {
  describe(`idempotency with the ${kind.name} store`, () => {
    test('a redelivery runs only the subscriber that failed, on another listener', async () => {
      const { client, url } = await queue(`per-sub-${kind.name}`);
      const store = kind.make();
      const runs: string[] = [];
      let cFailures = 0;
      const subscribe = (listener: Listener, who: string) =>
        listener
          .subscribe(undefined, () => void runs.push(`${who}:a`), { name: 'a' })
          .subscribe(undefined, () => void runs.push(`${who}:b`), { name: 'b' })
          .subscribe(
            undefined,
            () => {
              runs.push(`${who}:c`);
              if (cFailures++ === 0) throw new RetriableError('c fails once');
            },
            { name: 'c' },
          );
      const first = listen(client, url, { middleware: [idempotency({ store })] });
      subscribe(first, 'first').start();
      await publishAll(client, url, [createMegaEvent({ name: 'order.placed', attributes: { id: 'o-1' } })]);
      await waitFor(() => runs.length === 3, { timeoutMs: 10_000 });
      await first.stop(); // a different process takes the redelivery: no in-process outcome memory
      const second = listen(client, url, { middleware: [idempotency({ store })] });
      subscribe(second, 'second').start();
      await drained(client, url);
      assert.deepEqual(runs.sort(), ['first:a', 'first:b', 'first:c', 'second:c']);
    });

    test('concurrent duplicates on two listeners: exactly one runs, the other finds it done', async () => {
      const { client, url } = await queue(`dup-${kind.name}`);
      const store = kind.make();
      const runs: string[] = [];
      const started: string[] = [];
      const listeners = ['A', 'B'].map((who) => {
        const l = listen(client, url, {
          concurrency: 1,
          batchSize: 1,
          middleware: [idempotency({ store })],
        });
        l.on('received', () => started.push(who));
        l.subscribe(undefined, async () => {
          runs.push(who);
          await new Promise((r) => setTimeout(r, 700));
        });
        return l;
      });
      // A producer retry: the same event (same id) sent twice.
      const event = createMegaEvent({ name: 'payment.captured', attributes: { id: `p-${runId()}` } });
      await publishAll(client, url, [event, event]);
      for (const l of listeners) l.start();
      await drained(client, url);
      assert.equal(runs.length, 1, `ran ${runs.join(', ')}`);
      assert.ok(started.includes('A') && started.includes('B'), `both listeners received one: ${started}`);
    });

    test('a claim left behind (never completed nor released) holds until its lease expires, then the message runs', async () => {
      const { client, url } = await queue(`crash-${kind.name}`);
      const store = kind.make();
      const id = `c-${runId()}`;
      // What a process that died mid-handler leaves behind: a claim never completed nor released.
      const leaked = await store.claim(`event:${id}/worker`, 1500);
      assert.equal(leaked.state, 'claimed');
      const ran: number[] = [];
      const t0 = Date.now();
      const listener = listen(client, url, {
        middleware: [idempotency({ store, onBusy: 'wait', waitMs: 5000 })],
      });
      listener.subscribe(undefined, () => void ran.push(Date.now() - t0), { name: 'worker' }).start();
      await publishAll(client, url, [createMegaEvent({ name: 'job.run', attributes: { id } })]);
      await drained(client, url);
      assert.equal(ran.length, 1);
      assert.ok((ran[0] ?? 0) >= 1000, `ran only after the lease expired (${ran[0]} ms)`);
    });

    test('a user key function dedups by business key; done keys are skipped', async () => {
      const { client, url } = await queue(`key-${kind.name}`);
      const store = kind.make();
      const seen: string[] = [];
      const listener = listen(client, url, {
        middleware: [idempotency({ store, key: (data) => `order:${(data as { order: string }).order}` })],
      });
      listener
        .subscribe({ type: 'charge' }, (data) => void seen.push((data as { n: number }).n.toString()))
        .start();
      await publishAll(client, url, [
        { type: 'charge', order: 'x1', n: 1 },
        { type: 'charge', order: 'x1', n: 2 },
        { type: 'charge', order: 'x2', n: 3 },
      ]);
      await drained(client, url);
      assert.equal(seen.length, 2, `ran ${seen}`);
      assert.ok(seen.includes('3'));
    });
  });
}

describe('idempotency: store unreachable', () => {
  for (const kind of ['redis', 'postgres'] as const) {
    test(`${kind}: the error names the store and address, the message comes back, the listener recovers`, async () => {
      const proxy = await new TcpProxy(kind === 'redis' ? 6379 : 5432).up();
      const table = `idem_${runId()}`;
      const store =
        kind === 'redis'
          ? redisStore({
              url: `redis://127.0.0.1:${proxy.port}`,
              prefix: `test:idem:${runId()}:`,
              timeoutMs: 500,
              redisOptions: { retryStrategy: () => 100 },
            })
          : postgresStore({
              connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
              table,
              timeoutMs: 1000,
            });
      const { client, url } = await queue(`down-${kind}`);
      await proxy.down();
      const errors: unknown[] = [];
      const handled: number[] = [];
      const listener = listen(client, url, { middleware: [idempotency({ store })], maxAttempts: 100 });
      listener.on('error', (e) => errors.push(e.error));
      listener.subscribe(undefined, (_p, ctx) => void handled.push(ctx.receiveCount)).start();
      await publishAll(client, url, [{ hello: 'world' }]);
      await waitFor(() => errors.length >= 2, { timeoutMs: 15_000, message: 'two failed attempts' });
      const error = errors[0];
      assert.ok(error instanceof IdempotencyStoreError, String(error));
      assert.equal(error.store, `${kind} 127.0.0.1:${proxy.port}${kind === 'postgres' ? '/test' : ''}`);
      assert.match(error.message, new RegExp(`idempotency store ${kind} 127\\.0\\.0\\.1:${proxy.port}`));
      assert.equal(handled.length, 0, 'the handler never ran without a claim');
      assert.equal(listener.stats['dead-lettered'], 0);
      await proxy.up(); // the store comes back on the same address
      await drained(client, url);
      assert.equal(handled.length, 1);
      assert.ok((handled[0] ?? 0) >= 2, 'the message came back (not acknowledged) and then ran');
      await listener.stop();
      await store.close();
      await proxy.down();
      if (kind === 'postgres') {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP TABLE IF EXISTS "${table}"`);
        await admin.end();
      }
    });
  }
});

describe('idempotency: PostgreSQL transactional inbox', () => {
  test("the handler's writes and the completion commit together, or roll back together", async () => {
    const id = runId();
    const table = `idem_tx_${id}`;
    const effects = `effects_${id}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE TABLE ${effects} (order_id text, amount int)`);
    const pool = new pg.Pool({ connectionString: PG_URL });
    const store = postgresStore({ pool, table, transactional: true });
    try {
      const { client, url } = await queue('tx');
      let attempts = 0;
      const runs: string[] = [];
      const listeners = ['A', 'B'].map((who) => {
        const l = listen(client, url, {
          concurrency: 1,
          batchSize: 1,
          middleware: [idempotency({ store, key: (d) => (d as { order: string }).order })],
        });
        l.subscribe(
          undefined,
          async (data, context) => {
            runs.push(who);
            const tx = transactionOf(context);
            const order = data as { order: string; amount: number };
            await tx.query(`INSERT INTO ${effects} VALUES ($1, $2)`, [order.order, order.amount]);
            await new Promise((r) => setTimeout(r, 400)); // the duplicate waits on the row lock meanwhile
            if (attempts++ === 0) throw new RetriableError('fails after writing: the write must roll back');
            return ProcessStatus.DONE;
          },
          { name: 'ledger' },
        );
        return l;
      });
      const order = { order: `o-${id}`, amount: 42, id };
      await publishAll(client, url, [order, order]);
      for (const l of listeners) l.start();
      await waitFor(
        async () => (await admin.query(`SELECT count(*)::int AS n FROM ${effects}`)).rows[0].n === 1,
        { timeoutMs: 15_000 },
      );
      // Both copies are gone; the duplicate ran nothing more (the row lock, then the done record).
      await drained(client, url);
      const { rows } = await admin.query(`SELECT order_id, amount FROM ${effects}`);
      assert.deepEqual(rows, [{ order_id: `o-${id}`, amount: 42 }]);
      assert.equal(attempts, 2, `runs: ${runs.join(', ')}`);
      const done = await admin.query(`SELECT state FROM ${table}`);
      assert.deepEqual(done.rows, [{ state: 'done' }], 'one completion record for the business key');
    } finally {
      await pool.end();
      await admin.query(`DROP TABLE IF EXISTS ${effects}`);
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
      await admin.end();
    }
  });

  test('transactionOf outside a transactional store names what is missing', () => {
    assert.throws(() => transactionOf({} as never), /no PostgreSQL transaction/);
  });
});

describe('idempotency: the default key', () => {
  const context = (over: Record<string, unknown>) =>
    ({
      messageId: 'sqs-1',
      systemAttributes: {},
      decoded: { kind: 'data', data: {} },
      ...over,
    }) as never;
  test('the MEGA event id first, then the FIFO deduplication id (with its group), the SNS message id, the SQS message id', () => {
    const mega = { kind: 'mega', event: createMegaEvent({ name: 'a.b', attributes: { id: 'e-1' } }) };
    assert.equal(
      defaultIdempotencyKey(context({ decoded: mega, systemAttributes: { MessageDeduplicationId: 'd' } })),
      'event:e-1',
    );
    assert.equal(
      defaultIdempotencyKey(
        context({
          systemAttributes: { MessageDeduplicationId: 'd-1', MessageGroupId: 'g' },
          sns: { messageId: 's' },
        }),
      ),
      'dedup:g:d-1',
    );
    assert.equal(defaultIdempotencyKey(context({ sns: { messageId: 'sns-1' } })), 'sns:sns-1');
    assert.equal(defaultIdempotencyKey(context({})), 'sqs:sqs-1');
  });
});
