// The fuzz suite's long run: hostile requests (packages/broker/test/support/fuzz-requests.ts) at a
// `mega serve` process with a durable store — the built one users run (`npm run build`, done here) —
// counting answers by status and code and sampling the broker's resident memory (VmHWM, the peak).
//   node --conditions=source --import tsx bench/fuzz.ts [--requests=1000000] [--seed=N] [--concurrency=32]
// Exits 1 if any answer was not 200 or a well-formed 4xx AWS error, or the broker died or passed 256 MB.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrokerProcess } from '../packages/broker/test/support/broker-process.js';
import { createTargets, runFuzz } from '../packages/broker/test/support/fuzz-run.js';
import { buildBroker } from './broker/servers.js';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const requests = arg('requests', 1_000_000);
const seed = arg('seed', Date.now() % 1_000_000);
const concurrency = arg('concurrency', 32);

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

buildBroker();
const dataDir = mkdtempSync(join(tmpdir(), 'mega-fuzz-long-'));
const broker = await startBrokerProcess(dataDir, ['--max-body-bytes', String(4 * 1024 * 1024)], {
  built: true,
});
const pid = broker.child.pid as number;
let maxRss = 0;
const sampler = setInterval(() => {
  maxRss = Math.max(maxRss, rssMb(pid, 'VmRSS'));
}, 250);
console.log(
  `fuzz long run: ${requests} requests, seed ${seed}, concurrency ${concurrency}, broker pid ${pid}`,
);
let exitCode = 0;
try {
  const targets = await createTargets(broker.url);
  const report = await runFuzz(broker.url, targets, {
    count: requests,
    seed,
    concurrency,
    timeoutMs: 30_000,
    generated: Math.min(requests, 50_000),
    progress: (done) => {
      if (done % 100_000 === 0)
        console.log(`  ${done} requests, broker RSS ${rssMb(pid, 'VmRSS').toFixed(0)} MB`);
    },
  });
  const peak = Math.max(maxRss, rssMb(pid, 'VmHWM'));
  const alive = broker.child.exitCode === null;
  const byStatus = new Map<string, number>();
  for (const [code, n] of report.byCode) {
    const status = code.split(' ')[0] as string;
    byStatus.set(status, (byStatus.get(status) ?? 0) + n);
  }
  console.log(`requests: ${report.requests} in ${(report.durationMs / 1000).toFixed(0)} s`);
  console.log(`by status: ${JSON.stringify(Object.fromEntries(byStatus))}`);
  console.log('by code:');
  for (const [code, n] of [...report.byCode].sort((a, b) => b[1] - a[1]))
    console.log(`  ${code.padEnd(60)} ${n}`);
  console.log(`unacceptable answers: ${report.failureCount}`);
  for (const f of report.failures) console.log(`  ${f.label}: ${f.reason}\n    ${f.body}`);
  console.log(`slowest: ${JSON.stringify(report.slowest)}`);
  console.log(`broker peak RSS: ${peak.toFixed(0)} MB; broker alive: ${alive}`);
  if (report.failureCount > 0 || !alive || peak > 256) exitCode = 1;
} finally {
  clearInterval(sampler);
  if (broker.child.exitCode === null) await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
