// Consume benchmark: messages/s with a no-op handler on one process, sqs-mega's Listener vs
// sqs-consumer 14 on the same broker in the same run, and publish→handler latency on an idle system.
// Run: npm run bench:consume   (node --conditions=source --import tsx bench/consume.ts)
// Env: COUNT (messages per run, default 20000), RUNS (default 3), CONCURRENCY (ours, default 50),
// MIDDLEWARE_COUNT (messages per middleware variant, default 5000; 0 skips the middleware table:
// its Redis and PostgreSQL rows need the servers at REDIS_URL / PG_URL, 127.0.0.1 by default).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { middlewareOverhead, printOverhead } from './consume/middleware.js';
import { chainOverhead, printChain } from './consume/middleware-chain.js';
import { type ClientConfig, fill, freshQueue, latency, runOurs, runSqsConsumer } from './consume/runners.js';

const COUNT = Number(process.env.COUNT ?? 20_000);
const RUNS = Number(process.env.RUNS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const MIDDLEWARE_COUNT = Number(process.env.MIDDLEWARE_COUNT ?? 5000);

const brokerScript = fileURLToPath(new URL('./consume/broker-process.ts', import.meta.url));
const brokerProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', brokerScript], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const config = await new Promise<ClientConfig>((resolve) => {
  brokerProcess.stdout.setEncoding('utf8');
  brokerProcess.stdout.once('data', (line: string) => resolve(JSON.parse(line)));
});

try {
  const client = new SQSClient(config);
  const idleUrl = (await client.send(new CreateQueueCommand({ QueueName: 'bench-latency' }))).QueueUrl ?? '';
  client.destroy();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const oursUrl = await freshQueue(config, `bench-ours-${run}`);
    await fill(config, oursUrl, COUNT);
    ours.push(await runOurs(config, oursUrl, COUNT, CONCURRENCY));
    const theirsUrl = await freshQueue(config, `bench-sqs-consumer-${run}`);
    await fill(config, theirsUrl, COUNT);
    theirs.push(await runSqsConsumer(config, theirsUrl, COUNT));
    process.stderr.write(
      `run ${run + 1}: ours ${ours.at(-1)?.toFixed(0)}/s, sqs-consumer ${theirs.at(-1)?.toFixed(0)}/s\n`,
    );
  }
  const samples = await latency(config, idleUrl, 1000);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0;

  const o = median(ours);
  const t = median(theirs);
  console.log(
    `\nConsume benchmark — ${COUNT} messages per run, median of ${RUNS}; broker in its own process (in memory);`,
  );
  console.log(
    `${cpus().length} CPUs, Node ${process.version}. Client-side figures are SDK-bound (one SQSClient per consumer).\n`,
  );
  console.log('| consumer | handler | messages/s | ratio |');
  console.log('|---|---|---:|---:|');
  console.log(
    `| sqs-mega Listener (concurrency ${CONCURRENCY}, batch 10) | no-op | ${o.toFixed(0)} | ${(o / t).toFixed(2)}× |`,
  );
  console.log(`| sqs-consumer 14 (batchSize 10) | no-op | ${t.toFixed(0)} | 1.00× |`);
  console.log('\n| publish → handler latency (idle, 1,000 sequential messages) | ms |');
  console.log('|---|---:|');
  console.log(`| p50 | ${pct(50).toFixed(2)} |`);
  console.log(`| p99 | ${pct(99).toFixed(2)} |`);
  console.log(`| max | ${(samples.at(-1) ?? 0).toFixed(2)} |`);
  if (MIDDLEWARE_COUNT > 0) {
    const rows = await middlewareOverhead(config, MIDDLEWARE_COUNT, RUNS, CONCURRENCY);
    printOverhead(rows, MIDDLEWARE_COUNT, RUNS);
    printChain(await chainOverhead(RUNS), rows[0]?.perSecond ?? o);
  }
} finally {
  brokerProcess.kill();
}
