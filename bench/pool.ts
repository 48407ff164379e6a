// Worker-pool benchmark: what running a handler in a worker thread (sqs-mega/pool, piscina) costs
// per message against the same no-op handler in process, behind the same Listener on the same
// broker (its own process, in memory), in the same run; and the bare round trip of one job.
// Run: npm run bench:pool   (node --conditions=source --import tsx bench/pool.ts)
// Env: COUNT (messages per run, default 10000), RUNS (default 3), CONCURRENCY (default 50), SIZE (threads, default 2).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from 'sqs-mega/pool';
import { type ClientConfig, fill, freshQueue, listenerRate } from './consume/runners.js';

const COUNT = Number(process.env.COUNT ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const SIZE = Number(process.env.SIZE ?? 2);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const brokerScript = fileURLToPath(new URL('./consume/broker-process.ts', import.meta.url));
const brokerProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', brokerScript], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const config = await new Promise<ClientConfig>((resolve) => {
  brokerProcess.stdout.setEncoding('utf8');
  brokerProcess.stdout.once('data', (line: string) => resolve(JSON.parse(line)));
});
// The worker threads load the plain JS module; they need no TypeScript loader.
const pool = new WorkerPool({
  filename: new URL('./pool/noop-worker.mjs', import.meta.url),
  size: SIZE,
  minSize: SIZE,
});

function consume(queueUrl: string, handler: (p: unknown, c: never) => unknown): Promise<number> {
  return listenerRate(config, queueUrl, COUNT, { concurrency: CONCURRENCY, handler });
}

try {
  const context = {
    messageId: 'm',
    receiveCount: 1,
    subscriber: 's',
    attributes: {},
    systemAttributes: {},
    signal: new AbortController().signal,
  };
  const job = pool.handler();
  for (let i = 0; i < 200; i++) await job({ i }, context as never); // warm up
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await job({ i }, context as never);
    rounds.push(((performance.now() - started) * 1000) / 1000);
  }
  const inline: number[] = [];
  const pooled: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const a = await freshQueue(config, `bench-inline-${run}`);
    await fill(config, a, COUNT);
    inline.push(await consume(a, () => {}));
    const b = await freshQueue(config, `bench-pool-${run}`);
    await fill(config, b, COUNT);
    pooled.push(await consume(b, pool.handler()));
    process.stderr.write(
      `run ${run + 1}: in process ${inline.at(-1)?.toFixed(0)}/s, worker pool ${pooled.at(-1)?.toFixed(0)}/s\n`,
    );
  }
  const i = median(inline);
  const p = median(pooled);
  console.log(
    `\nWorker pool benchmark — ${COUNT} messages per run, median of ${RUNS}; ${cpus().length} CPUs, Node ${process.version}`,
  );
  console.log(
    `Listener concurrency ${CONCURRENCY}, pool of ${SIZE} threads, no-op handler; broker in its own process (in memory).\n`,
  );
  console.log('| handler | messages/s | ratio | cost per message |');
  console.log('|---|---:|---:|---:|');
  console.log(`| in process | ${i.toFixed(0)} | 1.00× | – |`);
  console.log(
    `| worker pool | ${p.toFixed(0)} | ${(p / i).toFixed(2)}× | +${((1 / p - 1 / i) * 1e6).toFixed(1)} µs |`,
  );
  console.log(
    `\nOne job's round trip to a worker and back, sequential: median ${median(rounds).toFixed(1)} µs (5 rounds of 1000).`,
  );
} finally {
  await pool.close();
  brokerProcess.kill();
}
