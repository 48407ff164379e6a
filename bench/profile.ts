// Where the broker's CPU goes under one workload of bench:broker: runs the built broker with
// `node --cpu-prof` under wrk, then prints the self time by function and by source file.
// Run: npm run bench:profile -- [--workload=send] [--server=in-memory] [--seconds=8] [--top=40]
//   --workload  batch-send | send | cycle-1k | cycle-fifo | fanout (the rows of bench:broker)
//   --server    in-memory | durable | logged (the main thread's profile; the log writer's thread is not sampled)
// The .cpuprofile is kept (its path is printed) for Chrome DevTools or speedscope.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureFanout } from './broker/fanout.js';
import { type CellResult, fillBacklog, measureCell } from './broker/measure.js';
import { buildBroker, type ServerName, startServer } from './broker/servers.js';
import { createQueue } from './broker/sqs.js';
import { WORKLOADS } from './broker/workloads.js';
import { requireWrk } from './broker/wrk.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'send' },
    server: { type: 'string', default: 'in-memory' },
    seconds: { type: 'string', default: '8' },
    top: { type: 'string', default: '40' },
    'no-build': { type: 'boolean', default: false },
  },
});
const workload = WORKLOADS.find((w) => w.name === values.workload);
if (!workload || workload.name === 'cycle-1m' || workload.name === 'ingest') {
  console.error('--workload must be one of batch-send, send, cycle-1k, cycle-fifo, fanout');
  process.exit(2);
}
if (values.server !== 'in-memory' && values.server !== 'durable' && values.server !== 'logged') {
  console.error('--server must be in-memory, durable or logged');
  process.exit(2);
}
requireWrk();
if (!values['no-build']) buildBroker();

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = mkdtempSync(join(tmpdir(), 'mega-profile-'));
const running = await startServer(values.server as ServerName, undefined, [
  '--cpu-prof',
  `--cpu-prof-dir=${dir}`,
]);
let cell: CellResult;
const timing = { seconds: Number(values.seconds), warmupSeconds: 1, runs: 1 };
try {
  if (workload.name === 'fanout') cell = await measureFanout(running, timing);
  else {
    let queues = 0;
    const fresh = () => createQueue(running.url, `profile-${++queues}`, workload.fifo);
    const queueUrl = workload.fifo ? fresh : await fresh();
    if (workload.backlog !== undefined && typeof queueUrl === 'string') {
      await fillBacklog(running, queueUrl, workload.backlog);
    }
    cell = await measureCell(running, workload.script, queueUrl, timing);
  }
} finally {
  await running.stop();
}
console.log(
  `${workload.label}, ${values.server}: ${Math.round(cell.messagesPerSecond)} msg/s, ` +
    `${cell.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg (with the profiler on)`,
);

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i] as number;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
let idle = 0;
const shortUrl = (url: string) =>
  url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^file:\/\//, '');
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') {
    idle += us;
    continue;
  }
  total += us;
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const fileKey = url ? shortUrl(url) : functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const top = Number(values.top);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (share of ${(total / 1e6).toFixed(1)} s busy; idle ${(idle / 1e6).toFixed(1)} s)`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${key}`);
  }
};
print('self time by function', byFunction);
print('self time by file', byFile);
console.log(`\nprofile: ${join(dir, file)}`);
