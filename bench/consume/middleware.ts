// Per-message overhead of each observability middleware at full speed: the same no-op consume as
// the baseline, with one feature turned on, each variant on a fresh queue of its own, the variants
// interleaved within each run so that load changes on the machine hit all of them alike.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { ListenerOptions } from 'sqs-mega';
import { idempotency, memoryStore } from 'sqs-mega/idempotency';
import { postgresStore } from 'sqs-mega/idempotency/postgres';
import { redisStore } from 'sqs-mega/idempotency/redis';
import { listenerMetrics } from 'sqs-mega/metrics';
import { listenerTracing } from 'sqs-mega/tracing';
import { type ClientConfig, fill, freshQueue, listenerRate } from './runners.js';

type Extra = Pick<ListenerOptions, 'middleware' | 'instrument'>;
interface Variant {
  name: string;
  make(): Promise<{ extra: Extra; close(): Promise<void> }>;
}

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const none = async () => {};

export const VARIANTS: Variant[] = [
  { name: 'baseline (no middleware)', make: async () => ({ extra: {}, close: none }) },
  {
    name: 'metrics (prom-client)',
    make: async () => ({
      extra: { instrument: [listenerMetrics({ registry: new Registry() })] },
      close: none,
    }),
  },
  {
    name: 'tracing (no SDK registered)',
    make: async () => ({ extra: { instrument: [listenerTracing()] }, close: none }),
  },
  {
    name: 'idempotency, memory store',
    make: async () => ({
      extra: { middleware: [idempotency({ store: memoryStore({ max: 100_000 }) })] },
      close: none,
    }),
  },
  {
    name: 'idempotency, Redis store',
    make: async () => {
      const store = redisStore({ url: REDIS_URL, prefix: `bench:${randomUUID()}:` });
      return { extra: { middleware: [idempotency({ store })] }, close: () => store.close() };
    },
  },
  {
    name: 'idempotency, PostgreSQL store',
    make: async () => {
      const table = `bench_idem_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
      const pool = new pg.Pool({ connectionString: PG_URL, max: 20 });
      const store = postgresStore({ pool, table });
      return {
        extra: { middleware: [idempotency({ store })] },
        close: async () => {
          await pool.query(`DROP TABLE IF EXISTS ${table}`);
          await pool.end();
        },
      };
    },
  },
];

/** Consumes `count` messages with a no-op handler and `extra` options; resolves with messages/s. */
function consume(config: ClientConfig, queueUrl: string, count: number, concurrency: number, extra: Extra) {
  return listenerRate(config, queueUrl, count, { concurrency, extra });
}

/** Runs every variant `runs` times (interleaved) and resolves with each one's median messages/s. */
export async function middlewareOverhead(
  config: ClientConfig,
  count: number,
  runs: number,
  concurrency: number,
): Promise<Array<{ name: string; perSecond: number }>> {
  const rates = VARIANTS.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) {
    for (const [i, variant] of VARIANTS.entries()) {
      const url = await freshQueue(config, `bench-mw-${i}-${run}`);
      await fill(config, url, count);
      const { extra, close } = await variant.make();
      try {
        rates[i]?.push(await consume(config, url, count, concurrency, extra));
      } finally {
        await close();
      }
      process.stderr.write(`middleware run ${run + 1}: ${variant.name} ${rates[i]?.at(-1)?.toFixed(0)}/s\n`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return VARIANTS.map((v, i) => ({ name: v.name, perSecond: median(rates[i] ?? []) }));
}

/** Prints the table: messages/s, µs per message, and the overhead against the baseline of the same run. */
export function printOverhead(
  rows: Array<{ name: string; perSecond: number }>,
  count: number,
  runs: number,
): void {
  const base = rows[0]?.perSecond ?? 1;
  console.log(
    `\n| middleware (no-op handler, ${count} messages, median of ${runs}) | messages/s | µs/message | overhead vs baseline |`,
  );
  console.log('|---|---:|---:|---:|');
  for (const { name, perSecond } of rows) {
    const us = 1e6 / perSecond;
    const extra = 1e6 / perSecond - 1e6 / base;
    const overhead = ((base / perSecond - 1) * 100).toFixed(1);
    console.log(
      `| ${name} | ${perSecond.toFixed(0)} | ${us.toFixed(1)} | ${name.startsWith('baseline') ? '—' : `${overhead} % (${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs)`} |`,
    );
  }
}
