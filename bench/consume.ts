// Consume benchmark: messages/s with a no-op handler on one process, sqs-mega's Listener vs a raw
// SDK loop (its ceiling: the same SQSClient, receive 10 / delete batch, no framework) and
// sqs-consumer 14 on the same broker in the same run; publish→handler latency on an idle system;
// then BullMQ side by side (Redis 127.0.0.1:6379): jobs/s end to end at concurrency 1, 8, 32 and
// add→processor latency, charted to docs/img/listener-vs-bullmq.svg.
// Run: npm run bench:consume   (node --conditions=source --import tsx bench/consume.ts)
// Env: COUNT (messages per run, default 20000), RUNS (default 3), CONCURRENCY (ours, default 50),
// E2E_COUNT (jobs per end-to-end run, default 5000), BULLMQ=0 to skip BullMQ,
// MIDDLEWARE_COUNT (messages per middleware variant, default 5000; 0 skips the middleware table:
// its Redis and PostgreSQL rows need the servers at REDIS_URL / PG_URL, 127.0.0.1 by default).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bullLatency, runBull } from './consume/bullmq.js';
import { barChart } from './consume/chart.js';
import { middlewareOverhead, printOverhead } from './consume/middleware.js';
import { chainOverhead, printChain } from './consume/middleware-chain.js';
import {
  type ClientConfig,
  fill,
  freshQueue,
  latency,
  runOurs,
  runOursEndToEnd,
  runRaw,
  runSqsConsumer,
} from './consume/runners.js';

const COUNT = Number(process.env.COUNT ?? 20_000);
const RUNS = Number(process.env.RUNS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const E2E_COUNT = Number(process.env.E2E_COUNT ?? 5000);
const LEVELS = [1, 8, 32];
const PAYLOAD = { kind: 'bench', padding: 'x'.repeat(200) };
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
  const raw: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const rawUrl = await freshQueue(config, `bench-raw-${run}`);
    await fill(config, rawUrl, COUNT);
    raw.push(await runRaw(config, rawUrl, COUNT, Math.max(1, Math.min(10, Math.ceil(CONCURRENCY / 10)))));
    const oursUrl = await freshQueue(config, `bench-ours-${run}`);
    await fill(config, oursUrl, COUNT);
    ours.push(await runOurs(config, oursUrl, COUNT, CONCURRENCY));
    const theirsUrl = await freshQueue(config, `bench-sqs-consumer-${run}`);
    await fill(config, theirsUrl, COUNT);
    theirs.push(await runSqsConsumer(config, theirsUrl, COUNT));
    process.stderr.write(
      `run ${run + 1}: ours ${ours.at(-1)?.toFixed(0)}/s, raw ${raw.at(-1)?.toFixed(0)}/s, sqs-consumer ${theirs.at(-1)?.toFixed(0)}/s\n`,
    );
  }
  const samples = await latency(config, idleUrl, 1000);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0;

  const o = median(ours);
  const t = median(theirs);
  const w = median(raw);
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
  console.log(
    `| raw SDK loop (${Math.max(1, Math.min(10, Math.ceil(CONCURRENCY / 10)))} loops, receive 10 / delete batch) | none | ${w.toFixed(0)} | ${(w / t).toFixed(2)}× |`,
  );
  console.log(
    `\nListener / raw SDK loop: ${((100 * o) / w).toFixed(0)} % (target >= 85 %); Listener / sqs-consumer: ${(o / t).toFixed(2)}× (keep >= 3×)`,
  );
  console.log('\n| publish → handler latency (idle, 1,000 sequential messages) | ms |');
  console.log('|---|---:|');
  console.log(`| p50 | ${pct(50).toFixed(2)} |`);
  console.log(`| p99 | ${pct(99).toFixed(2)} |`);
  console.log(`| max | ${(samples.at(-1) ?? 0).toFixed(2)} |`);

  if (process.env.BULLMQ !== '0') {
    const oursE2e = new Map<number, number[]>();
    const bullE2e = new Map<number, number[]>();
    for (let run = 0; run < RUNS; run++) {
      for (const c of LEVELS) {
        const url = await freshQueue(config, `bench-e2e-${c}-${run}`);
        (oursE2e.get(c) ?? oursE2e.set(c, []).get(c))?.push(
          await runOursEndToEnd(config, url, E2E_COUNT, c, PAYLOAD),
        );
        (bullE2e.get(c) ?? bullE2e.set(c, []).get(c))?.push(
          await runBull(`bench-e2e-${c}`, E2E_COUNT, c, PAYLOAD),
        );
        process.stderr.write(
          `run ${run + 1}, concurrency ${c}: Listener ${oursE2e.get(c)?.at(-1)?.toFixed(0)}/s, BullMQ ${bullE2e.get(c)?.at(-1)?.toFixed(0)}/s\n`,
        );
      }
    }
    const bullSamples = await bullLatency('bench-latency', 1000);
    const bpct = (p: number) =>
      bullSamples[Math.min(bullSamples.length - 1, Math.floor((p / 100) * bullSamples.length))] ?? 0;
    const oursRates = LEVELS.map((c) => median(oursE2e.get(c) ?? []));
    const bullRates = LEVELS.map((c) => median(bullE2e.get(c) ?? []));
    console.log(
      `\nBullMQ side by side — ${E2E_COUNT} jobs per run end to end (add → processed, producer and consumer in this process), median of ${RUNS}; payload ${JSON.stringify(PAYLOAD).length} bytes of JSON; no-op handler/processor`,
    );
    console.log(
      'Settings, both sides in this process: producer — SqsPublisher (SendMessageBatch of 10, 500 publishes awaited at a time) / Queue.addBulk of 500 (removeOnComplete); consumer — Listener (default SQSClient, MD5 checks on, waitTimeSeconds 1, heartbeats off, default deleteLingerMs) / Worker (default ioredis connection); broker in its own process / redis-server.',
    );
    console.log(
      '\n| concurrency | sqs-mega Listener + broker (jobs/s) | BullMQ + Redis (jobs/s) | Listener / BullMQ |',
    );
    console.log('|---:|---:|---:|---:|');
    LEVELS.forEach((c, i) => {
      const a = oursRates[i] ?? 0;
      const b = bullRates[i] ?? 1;
      console.log(`| ${c} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)}× |`);
    });
    console.log('\n| publish → handler latency (idle, 1,000 sequential) | Listener ms | BullMQ ms |');
    console.log('|---|---:|---:|');
    console.log(`| p50 | ${pct(50).toFixed(2)} | ${bpct(50).toFixed(2)} |`);
    console.log(`| p99 | ${pct(99).toFixed(2)} | ${bpct(99).toFixed(2)} |`);
    const svg = barChart(
      'End to end, no-op handler: sqs-mega Listener (embedded broker) vs BullMQ (Redis)',
      'jobs/s',
      LEVELS.map((c) => `concurrency ${c}`),
      [
        { name: 'sqs-mega Listener', color: '#2b6cb0', values: oursRates },
        { name: 'BullMQ', color: '#c05621', values: bullRates },
      ],
    );
    const out = fileURLToPath(new URL('../docs/img/listener-vs-bullmq.svg', import.meta.url));
    mkdirSync(fileURLToPath(new URL('../docs/img/', import.meta.url)), { recursive: true });
    writeFileSync(out, svg);
    console.log(`\nchart: docs/img/listener-vs-bullmq.svg`);
  }
  if (MIDDLEWARE_COUNT > 0) {
    const rows = await middlewareOverhead(config, MIDDLEWARE_COUNT, RUNS, CONCURRENCY);
    printOverhead(rows, MIDDLEWARE_COUNT, RUNS);
    printChain(await chainOverhead(RUNS), rows[0]?.perSecond ?? o);
  }
} finally {
  brokerProcess.kill();
}
