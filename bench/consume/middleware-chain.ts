// The middleware alone, in process: a no-op handler wrapped by each middleware, called for N
// synthetic messages (the context a listener builds), one at a time and 50 at once. No broker, no
// SDK: what remains is each middleware's own cost per message, next to the bare handler's.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Registry } from 'prom-client';
import {
  decodeMessage,
  type Handler,
  type ListenerInstrumentation,
  type MessageContext,
  type Middleware,
} from 'sqs-mega';
import { idempotency, memoryStore } from 'sqs-mega/idempotency';
import { postgresStore } from 'sqs-mega/idempotency/postgres';
import { redisStore } from 'sqs-mega/idempotency/redis';
import { listenerMetrics } from 'sqs-mega/metrics';
import { listenerTracing } from 'sqs-mega/tracing';

function contexts(n: number): MessageContext[] {
  const signal = new AbortController().signal;
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify({ kind: 'bench', i });
    const message = { MessageId: `m-${randomUUID()}`, ReceiptHandle: 'h', Body: body, Attributes: {} };
    return {
      messageId: message.MessageId,
      receiptHandle: 'h',
      receiveCount: 1,
      attributes: {},
      systemAttributes: {},
      decoded: decodeMessage(body, {}),
      subscriber: 'bench',
      signal,
      extendVisibility: async () => {},
      message,
    } as MessageContext;
  });
}

async function time(handler: Handler, list: MessageContext[], parallel: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < list.length; i += parallel)
    await Promise.all(list.slice(i, i + parallel).map((c) => handler({ i }, c)));
  return ((performance.now() - started) * 1000) / list.length; // µs per message
}

/** µs per message of each middleware around a no-op handler (median of `runs`), bare handler first. */
export async function chainOverhead(runs: number): Promise<Array<{ name: string; n: number; us: number }>> {
  const noop: Handler = () => {};
  const tracingHooks = listenerTracing();
  const metrics = listenerMetrics({ registry: new Registry() });
  // An instrumentation's per-message hook and its middleware, as the listener runs them.
  const both = (hooks: ListenerInstrumentation): Handler => {
    const inner = (hooks.middleware as Middleware)(noop);
    return (payload, context) =>
      hooks.message?.(context.message, 'q', async () => inner(payload, context)) as never;
  };
  const redis = redisStore({ prefix: `bench:${randomUUID()}:` });
  const table = `bench_chain_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pool = new pg.Pool({
    connectionString: process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    max: 20,
  });
  const variants: Array<{ name: string; n: number; make: () => Handler }> = [
    { name: 'bare handler', n: 50_000, make: () => noop },
    { name: 'metrics', n: 50_000, make: () => both(metrics) },
    { name: 'tracing (no SDK)', n: 50_000, make: () => both(tracingHooks) },
    {
      name: 'idempotency, memory',
      n: 50_000,
      make: () => idempotency({ store: memoryStore({ max: 1e6 }) })(noop),
    },
    { name: 'idempotency, Redis', n: 3000, make: () => idempotency({ store: redis })(noop) },
    {
      name: 'idempotency, PostgreSQL',
      n: 1000,
      make: () => idempotency({ store: postgresStore({ pool, table }) })(noop),
    },
  ];
  const samples = variants.map(() => [] as number[]);
  try {
    for (let run = 0; run < runs; run++)
      for (const [i, v] of variants.entries()) samples[i]?.push(await time(v.make(), contexts(v.n), 50));
  } finally {
    await redis.close();
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await pool.end();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return variants.map((v, i) => ({ name: v.name, n: v.n, us: median(samples[i] ?? []) }));
}

/** Prints the in-process table, with each middleware's added µs and its share of a consume baseline. */
export function printChain(
  rows: Array<{ name: string; n: number; us: number }>,
  baselinePerSecond: number,
): void {
  const baseUs = 1e6 / baselinePerSecond;
  const bare = rows[0]?.us ?? 0;
  console.log(
    `\n| middleware alone, in process (no-op handler, 50 at once, median) | messages | µs/message | added µs | share of the consume baseline (${baseUs.toFixed(0)} µs/message) |`,
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const added = r.us - bare;
    console.log(
      `| ${r.name} | ${r.n} | ${r.us.toFixed(2)} | ${r.name === 'bare handler' ? '—' : added.toFixed(2)} | ${r.name === 'bare handler' ? '—' : `${((added / baseUs) * 100).toFixed(1)} %`} |`,
    );
  }
}
