// Broker benchmark: server-side messages/s, CPU per message and RSS for the sqs-mega broker (durable
// and in-memory), fauxqs 1.9.2, fauxqs 2.x on Node 22 (fetched on demand, bench/broker/peers.ts) and
// a no-op ceiling, under wrk (a light load generator).
// Run: npm run bench:broker [-- --quick] [-- --seconds=N]
//   --quick skips the 1M-backlog row; --seconds sets the length of a measured run (default 5).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { printReport, type Results, targets } from './broker/report.js';
import { buildBroker, SERVER_NAMES, startServer } from './broker/servers.js';
import { type Plan, runWorkloads } from './broker/workloads.js';
import { requireWrk, WRK_CONNECTIONS, WRK_THREADS } from './broker/wrk.js';

const quick = process.argv.includes('--quick');
const secondsArg = process.argv.find((a) => a.startsWith('--seconds='));
const timing = { seconds: secondsArg ? Number(secondsArg.slice(10)) : 5, warmupSeconds: 1, runs: 3 };

requireWrk();
buildBroker();
const started = performance.now();
console.log(
  `wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS}; per cell a ${timing.warmupSeconds} s warm-up, then ${timing.runs} runs ` +
    `of ${timing.seconds} s, median reported; ${cpus().length} CPUs; node ${process.version}` +
    (quick ? '; --quick: no 1M-backlog row' : ''),
);

const results: Results = {};
for (const name of SERVER_NAMES) {
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(name);
  } catch (error) {
    console.log(`${name}: not measured (${(error as Error).message.split('\n')[0]})`);
    continue;
  }
  try {
    const plan: Plan = { timing, bigBacklog: !quick, hasStore: name !== 'ceiling' };
    results[name] = await runWorkloads(server, plan, console.log);
  } finally {
    await server.stop();
  }
}

console.log('');
printReport(results, console.log);
const seconds = (performance.now() - started) / 1000;
console.log(`\ntotal ${seconds.toFixed(0)} s`);

const date = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '');
const file = new URL(`./results/broker-${date}.json`, import.meta.url);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const load = { tool: 'wrk', threads: WRK_THREADS, connections: WRK_CONNECTIONS, ...timing, quick };
writeFileSync(
  file,
  `${JSON.stringify({ date, node: process.version, load, results, targets: targets(results), seconds }, null, 2)}\n`,
);
console.log(`results: ${file.pathname}`);
