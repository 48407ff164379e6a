// Interleaved A/B of two Listener builds in one process, end to end (add → processed) on the embedded
// broker: this worktree's `packages/sqs-mega/src` against the same directory at git revision BASE
// (extracted to bench/results/listener-base-<rev>/). Alternates base/new each round, reports medians,
// the new/base ratio of jobs/s and of this process's CPU per job, and the SQS calls per job.
// Run: BASE=<rev> node --conditions=source --import tsx bench/consume/ab-listener.ts
// Env: BASE (default HEAD), LEVELS (default 1,8,32), E2E_COUNT (default 2000), ROUNDS (default 3),
// NEW_OPTIONS / BASE_OPTIONS (JSON Listener options for one side, e.g. '{"deleteLingerMs":0}'),
// DRAIN=1 to fill the queue first and time the drain alone (the consume table's case; LEVELS=50).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Listener as NewListener, SqsPublisher } from 'sqs-mega';
import { freshQueue } from './runners.js';
import { spawnBroker } from './spawn-broker.js';

const BASE = execSync(`git rev-parse --short ${process.env.BASE ?? 'HEAD'}`, { encoding: 'utf8' }).trim();
const LEVELS = (process.env.LEVELS ?? '1,8,32').split(',').map(Number);
const COUNT = Number(process.env.E2E_COUNT ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DRAIN = process.env.DRAIN === '1';
const PAYLOAD = { kind: 'bench', padding: 'x'.repeat(200) };
const root = fileURLToPath(new URL('../../', import.meta.url));
const baseDir = `${root}bench/results/listener-base-${BASE}`;
if (!existsSync(baseDir)) {
  mkdirSync(baseDir, { recursive: true });
  execSync(`git archive ${BASE} packages/sqs-mega/src | tar -x -C ${baseDir}`, { cwd: root });
}
const base = (await import(pathToFileURL(`${baseDir}/packages/sqs-mega/src/index.ts`).href)) as {
  Listener: typeof NewListener;
};
const sides = {
  base: { Listener: base.Listener, options: JSON.parse(process.env.BASE_OPTIONS ?? '{}') },
  new: { Listener: NewListener, options: JSON.parse(process.env.NEW_OPTIONS ?? '{}') },
};

/** SQS calls by command during one run (patched `send` on the client's prototype). */
let calls = new Map<string, number>();
const proto = SQSClient.prototype as unknown as { send: (...a: unknown[]) => Promise<unknown> };
const send = proto.send;
proto.send = function (this: SQSClient, ...args: unknown[]) {
  const name = (args[0] as object).constructor.name.replace(/Command$/, '');
  calls.set(name, (calls.get(name) ?? 0) + 1);
  return send.apply(this, args);
};

const { config, kill } = await spawnBroker();

interface Run {
  rate: number;
  cpu: number;
  calls: Map<string, number>;
}

async function endToEnd(side: keyof typeof sides, queueUrl: string, concurrency: number): Promise<Run> {
  const client = new SQSClient(config);
  const publisherClient = new SQSClient(config);
  const publisher = new SqsPublisher({ client: publisherClient, queueUrl, derivedAttributes: false });
  const { Listener, options } = sides[side];
  const listener = new Listener({
    client,
    queueUrl,
    concurrency,
    waitTimeSeconds: 1,
    heartbeatSeconds: false,
    ...options,
  });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  listener.subscribe(undefined, () => {});
  listener.on('processed', () => {
    if (++done === COUNT) finish();
  });
  const produce = async () => {
    for (let sent = 0; sent < COUNT; sent += 500) {
      const n = Math.min(500, COUNT - sent);
      await Promise.all(Array.from({ length: n }, (_, i) => publisher.publish({ ...PAYLOAD, i: sent + i })));
    }
  };
  if (DRAIN) await produce();
  calls = new Map();
  const cpu = process.cpuUsage();
  const started = performance.now();
  listener.start();
  if (!DRAIN) await produce();
  await finished;
  await listener.stop(); // the last deletes land inside the measurement
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  client.destroy();
  publisherClient.destroy();
  return { rate: COUNT / seconds, cpu: (used.user + used.system) / COUNT, calls: new Map(calls) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
try {
  await endToEnd('new', await freshQueue(config, 'ab-warm-new'), 8);
  await endToEnd('base', await freshQueue(config, 'ab-warm-base'), 8);
  for (const c of LEVELS) {
    const runs: Record<'base' | 'new', Run[]> = { base: [], new: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const side of round % 2 ? (['new', 'base'] as const) : (['base', 'new'] as const))
        runs[side].push(await endToEnd(side, await freshQueue(config, `ab-${side}-${c}-${round}`), c));
    const line = (side: 'base' | 'new') => {
      const r = runs[side];
      const perJob = [...(r[0]?.calls ?? [])]
        .filter(([name]) => !['CreateQueue', 'GetQueueAttributes'].includes(name))
        .map(([name, n]) => `${name} ${(n / COUNT).toFixed(3)}`)
        .join(', ');
      return `${side} ${median(r.map((x) => x.rate)).toFixed(0)} jobs/s, ${median(r.map((x) => x.cpu)).toFixed(0)} µs CPU/job (calls/job: ${perJob})`;
    };
    const ratio = (f: (x: Run) => number) => (median(runs.new.map(f)) / median(runs.base.map(f))).toFixed(2);
    console.log(
      `c=${c}: ${line('base')}; ${line('new')}; new/base jobs/s ${ratio((x) => x.rate)}x, CPU/job ${ratio((x) => x.cpu)}x (base ${BASE}, ${ROUNDS} rounds)`,
    );
  }
} finally {
  kill();
}
