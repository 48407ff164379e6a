import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createMegaEvent, Listener } from 'sqs-mega';
import { idempotency } from 'sqs-mega/idempotency';
import { postgresStore } from 'sqs-mega/idempotency/postgres';
import { redisStore } from 'sqs-mega/idempotency/redis';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from '../runtime/helpers.js';
import { PG_URL, runId } from './stores.js';

const fixture = brokerForFile();
const worker = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
const tables: string[] = [];
after(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const t of tables) await admin.query(`DROP TABLE IF EXISTS "${t}"`);
  await admin.end();
});

const cases = [
  { store: 'redis', transactional: false },
  { store: 'postgres', transactional: false },
  { store: 'postgres', transactional: true },
] as const;

describe('idempotency: a consumer process killed mid-handler', () => {
  for (const c of cases) {
    test(`${c.store}${c.transactional ? ' (transactional)' : ''}: its claim lapses and another listener runs the message`, async () => {
      const client = fixture.client();
      const { url } = await createQueue(client, `crash-proc-${runId()}`);
      const prefix = `test:idem:${runId()}:`;
      const table = `idem_${runId()}`;
      tables.push(table);
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', worker], {
        env: {
          ...process.env,
          CRASH_WORKER: JSON.stringify({
            client: fixture.broker.clientConfig,
            queueUrl: url,
            store: c.store,
            prefix,
            table,
            transactional: c.transactional,
          }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        const claimed = new Promise<void>((resolve) =>
          child.stdout.on('data', (d: Buffer) => d.toString().includes('claimed') && resolve()),
        );
        await publishAll(client, url, [createMegaEvent({ name: 'job.run', attributes: { id: runId() } })]);
        await claimed;
        child.kill('SIGKILL'); // dies holding the claim
        await exited;
        const store =
          c.store === 'redis'
            ? redisStore({ prefix })
            : postgresStore({ connectionString: PG_URL, table, transactional: c.transactional });
        const listener = new Listener({
          client,
          queueUrl: url,
          waitTimeSeconds: 1,
          backoff: { initialMs: 200, maxMs: 500 },
          middleware: [idempotency({ store, leaseMs: 2000, onBusy: 'wait', waitMs: 5000 })],
        });
        fixture.listeners.push(listener);
        const runs: number[] = [];
        listener
          .subscribe(undefined, (_p, ctx) => void runs.push(ctx.receiveCount), { name: 'worker' })
          .start();
        await waitFor(
          async () => {
            const q = await queueCounts(client, url);
            return runs.length > 0 && q.visible + q.inFlight + q.delayed === 0;
          },
          { timeoutMs: 20_000 },
        );
        assert.deepEqual(runs, [2], 'ran once, on the second delivery');
        await listener.stop();
        await store.close();
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});
