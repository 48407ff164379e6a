// End-to-end probe (add → processed), the Listener on the embedded broker and BullMQ on Redis, at a
// few concurrencies: jobs/s, the SQS requests per job (by command, with the messages each carried)
// and, with PROFILE=dir, a CPU profile of both processes (this one and the broker's).
// Run: node --conditions=source --import tsx bench/consume/probe.ts
// Env: LEVELS (default 8,32), E2E_COUNT (default 3000), ROUNDS (default 1), BULLMQ=0 to skip it,
// LISTENER_OPTIONS (JSON, e.g. '{"prefetch":9}'), PROFILE=<dir> (writes <dir>/broker/*.cpuprofile and <dir>/bench-c<concurrency>-r<round>.cpuprofile).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { runBull } from './bullmq.js';
import { type ClientConfig, fill, freshQueue, runOurs, runOursEndToEnd, runRaw } from './runners.js';

const LEVELS = (process.env.LEVELS ?? '8,32').split(',').map(Number);
const COUNT = Number(process.env.E2E_COUNT ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const PROFILE = process.env.PROFILE;
/** More Listener options for the end-to-end runs (JSON), e.g. '{"prefetch":9}'. */
const LISTENER_OPTIONS = JSON.parse(process.env.LISTENER_OPTIONS ?? '{}');
const PAYLOAD = { kind: 'bench', padding: 'x'.repeat(200) };

/** Per command: calls, and the messages (entries or received messages) they carried. */
const calls = new Map<string, { calls: number; messages: number; empty: number }>();
/** Counts every request of every SQSClient created from now on (patches `send` on the prototype). */
async function countRequests(): Promise<void> {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const proto = SQSClient.prototype as unknown as { send: SQSClient['send'] };
  const send = proto.send;
  proto.send = async function (this: SQSClient, command: never, ...rest: never[]) {
    const out = (await (send as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest)) as {
      Messages?: unknown[];
    };
    const name = (command as object).constructor.name.replace(/Command$/, '');
    const input = (command as { input: { Entries?: unknown[] } }).input;
    const n = name === 'ReceiveMessage' ? (out.Messages?.length ?? 0) : (input.Entries?.length ?? 1);
    const row = calls.get(name) ?? calls.set(name, { calls: 0, messages: 0, empty: 0 }).get(name);
    if (row) {
      row.calls++;
      row.messages += n;
      if (n === 0) row.empty++;
    }
    return out;
  } as never;
}

/** A process's CPU time so far, µs (utime + stime from /proc, 10 ms ticks), or NaN when unreadable. */
function cpuOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}
const redisPid = (() => {
  try {
    return Number(
      /process_id:(\d+)/.exec(execFileSync('redis-cli', ['info', 'server'], { encoding: 'utf8' }))?.[1],
    );
  } catch {
    return undefined;
  }
})();
/** CPU µs per job of this process and of `other` while `fn` runs. */
async function measured(other: number | undefined, fn: () => Promise<number>) {
  const self = process.cpuUsage();
  const before = cpuOf(other);
  const rate = await fn();
  const used = process.cpuUsage(self);
  return {
    rate,
    self: (used.user + used.system) / COUNT,
    other: (cpuOf(other) - before) / COUNT,
  };
}

const brokerScript = fileURLToPath(new URL('./broker-process.ts', import.meta.url));
if (PROFILE) mkdirSync(PROFILE, { recursive: true });
const broker = spawn(
  process.execPath,
  [
    // one file per thread (Node 20's module loader runs in a thread of its own): the largest is the broker's
    ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE, 'broker')}`] : []),
    '--conditions=source',
    '--import',
    'tsx',
    brokerScript,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const config = await new Promise<ClientConfig>((resolve) => {
  broker.stdout.setEncoding('utf8');
  broker.stdout.once('data', (line: string) => resolve(JSON.parse(line)));
});
await countRequests();
const session = new Session();
session.connect();

try {
  // warm-up: JIT and connections, not measured
  await runOursEndToEnd(config, await freshQueue(config, 'probe-warm'), 1000, 8, PAYLOAD);
  // DRAIN=n: the consume table's comparison instead: a pre-filled queue of n messages drained by the
  // raw SDK loop (5 loops) and the Listener (concurrency 50), alternating.
  const drain = Number(process.env.DRAIN ?? 0);
  for (let round = 0; drain > 0 && round < ROUNDS; round++)
    for (const who of ['raw', 'listener'] as const) {
      const url = await freshQueue(config, `probe-drain-${who}-${round}`);
      await fill(config, url, drain);
      calls.clear();
      if (PROFILE) {
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const m = await measured(broker.pid, () =>
        who === 'raw' ? runRaw(config, url, drain, 5) : runOurs(config, url, drain, 50),
      );
      if (PROFILE) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(join(PROFILE, `drain-${who}-r${round}.cpuprofile`), JSON.stringify(profile));
      }
      const perMessage = [...calls].map(
        ([name, r]) =>
          `${name} ${(r.calls / drain).toFixed(3)}/msg (${(r.messages / r.calls).toFixed(1)} each)`,
      );
      console.log(
        `drain ${who} round ${round + 1}: ${m.rate.toFixed(0)} msgs/s, CPU ${((m.self * COUNT) / drain).toFixed(0)} µs/msg here + ${((m.other * COUNT) / drain).toFixed(0)} broker; ${perMessage.join('; ')}`,
      );
    }
  for (let round = 0; round < ROUNDS; round++)
    for (const c of drain > 0 ? [] : LEVELS) {
      calls.clear();
      if (PROFILE) {
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const url = await freshQueue(config, `probe-${c}-${round}`);
      const ours = await measured(broker.pid, () =>
        runOursEndToEnd(config, url, COUNT, c, PAYLOAD, LISTENER_OPTIONS),
      );
      if (PROFILE) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(join(PROFILE, `bench-c${c}-r${round}.cpuprofile`), JSON.stringify(profile));
      }
      const bull =
        process.env.BULLMQ === '0'
          ? undefined
          : await measured(redisPid, () => runBull(`probe-${c}`, COUNT, c, PAYLOAD));
      const perJob = [...calls].map(
        ([name, r]) =>
          `${name} ${(r.calls / COUNT).toFixed(3)}/job (${(r.messages / r.calls).toFixed(1)} msgs each${r.empty ? `, ${r.empty} empty` : ''})`,
      );
      const cpu = (m: { self: number; other: number }, other: string) =>
        `CPU ${m.self.toFixed(0)} µs/job here + ${m.other.toFixed(0)} µs/job ${other}`;
      console.log(
        `c=${c} round ${round + 1}: Listener ${ours.rate.toFixed(0)} jobs/s (${cpu(ours, 'broker')})` +
          (bull
            ? `; BullMQ ${bull.rate.toFixed(0)} jobs/s (${cpu(bull, 'redis-server')}); Listener/BullMQ ${(ours.rate / bull.rate).toFixed(2)}x`
            : ''),
      );
      console.log(`  SQS requests: ${perJob.join('; ')}`);
    }
} finally {
  session.disconnect();
  broker.kill('SIGINT');
  await new Promise((r) => broker.once('exit', r));
}
