// A/B of the broker: this working tree against another revision, on the same machine, in alternating
// runs, so that a change's effect can be told from the machine's drift (shared 2-core hosts move the
// same figure by ±30 % within minutes; only interleaved runs compare). Each run starts a fresh broker.
// Run: npm run bench:ab -- [--base=HEAD] [--workload=cycle-1k] [--server=in-memory] [--rounds=4]
//        [--seconds=6]
//   --base      the revision to compare against (default HEAD: measures the uncommitted change), or
//               `ceiling` / `fauxqs` / `fauxqs2`: that server of bench:broker instead of a revision (how far the
//               working tree is from the ceiling or the peer, free of the machine's drift), or another
//               --server name: the working tree's broker in that mode (`--base=durable --server=logged`
//               compares the two durable engines)
//   --workload  batch-send | send | cycle-1k | cycle-fifo | fanout (the rows of bench:broker)
//   --server    in-memory | durable | logged | in-memory-22 | durable-22 | logged-22 (-22: the broker on
//               Node 22, as fauxqs 2 runs; logged: the durable broker on the logged engine)
import { parseArgs } from 'node:util';
import { type Checkout, checkoutAndBuild } from './broker/checkout.js';
import { measureFanout } from './broker/fanout.js';
import { type CellResult, fillBacklog, measureCell, median, type Run } from './broker/measure.js';
import { buildBroker, ROOT, type RunningServer, type ServerName, startServer } from './broker/servers.js';
import { createQueue } from './broker/sqs.js';
import { WORKLOADS } from './broker/workloads.js';
import { requireWrk } from './broker/wrk.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' },
    workload: { type: 'string', default: 'cycle-1k' },
    server: { type: 'string', default: 'in-memory' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '6' },
  },
});
const found = WORKLOADS.find((w) => w.name === values.workload);
if (!found || found.name === 'cycle-1m' || found.name === 'ingest') {
  console.error('--workload must be one of batch-send, send, cycle-1k, cycle-fifo, fanout');
  process.exit(2);
}
const workload = found;
const BROKERS: readonly ServerName[] = [
  'in-memory',
  'durable',
  'logged',
  'in-memory-22',
  'durable-22',
  'logged-22',
];
if (!BROKERS.includes(values.server as ServerName)) {
  console.error(`--server must be one of ${BROKERS.join(', ')} (-22: the broker on Node 22)`);
  process.exit(2);
}
const server = values.server as ServerName;
const rounds = Number(values.rounds);
const timing = { seconds: Number(values.seconds), warmupSeconds: 1, runs: 1 };

/** Servers that `--base` may name instead of a revision (the brokers: the working tree's, in that mode). */
const PEERS: readonly ServerName[] = ['ceiling', 'ceiling-raw', 'fauxqs', 'fauxqs2', ...BROKERS];
const peer = PEERS.find((name) => name === values.base);

requireWrk();
buildBroker();
let base: Checkout | undefined;
try {
  if (peer === undefined) base = checkoutAndBuild(values.base);
} catch (error) {
  console.error(String((error as Error).message));
  process.exit(2);
}
/** The broker of the run under way, if any. */
let current: RunningServer | undefined;
// Ctrl-C (or a SIGINT sent to this process alone): stop the broker under way, remove the worktree.
process.once('SIGINT', () => {
  void (current?.stop() ?? Promise.resolve()).finally(() => {
    base?.remove();
    process.exit(130);
  });
});
const sides = { base: base?.root ?? ROOT, change: ROOT } as const;
type Side = keyof typeof sides;
const runs: Record<Side, Run[]> = { base: [], change: [] };

/** The workload's cell on `running`: fan-out on its own topic and queues, the rest on a fresh queue. */
async function cellOn(running: RunningServer): Promise<CellResult> {
  if (workload.name === 'fanout') return measureFanout(running, timing);
  let queues = 0;
  const fresh = () => createQueue(running.url, `ab-${++queues}`, workload.fifo);
  const queueUrl = workload.fifo ? fresh : await fresh();
  if (workload.backlog !== undefined && typeof queueUrl === 'string') {
    await fillBacklog(running, queueUrl, workload.backlog);
  }
  return measureCell(running, workload.script, queueUrl, timing);
}

/** One run of the workload on a fresh broker built from `side`. */
async function measure(side: Side): Promise<Run> {
  const running = await startServer(side === 'base' && peer !== undefined ? peer : server, sides[side]);
  current = running;
  try {
    const cell = await cellOn(running);
    if (cell.errors > 0) throw new Error(`${side}: ${cell.errors} failed requests or entries`);
    return cell.runs[0] as Run;
  } finally {
    current = undefined;
    await running.stop();
  }
}

console.log(
  `${workload.label}, ${server} broker: base ${base ? `${values.base} (${base.commit.slice(0, 7)})` : values.base} vs the working tree; ` +
    `${rounds} rounds of ${timing.seconds} s, alternating which goes first`,
);
try {
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ['base', 'change'] : ['change', 'base'];
    const figures: string[] = [];
    for (const side of order) {
      const run = await measure(side);
      runs[side].push(run);
      figures.push(
        `${side} ${Math.round(run.messagesPerSecond)} msg/s, ${run.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg`,
      );
    }
    console.log(`  round ${round + 1}: ${figures.join('; ')}`);
  }
} finally {
  base?.remove();
}

// Each round's change/base ratio, then their median: a pairing that cancels the machine's drift
// between rounds (the medians of each side alone do not).
const paired = (figure: (r: Run) => number) =>
  median(runs.change.map((r, i) => figure(r) / figure(runs.base[i] as Run)));
const rate = (side: Side) => median(runs[side].map((r) => r.messagesPerSecond));
const cpu = (side: Side) => median(runs[side].map((r) => r.cpuMicrosPerMessage));
const wins = runs.change.filter(
  (r, i) => r.messagesPerSecond > (runs.base[i]?.messagesPerSecond ?? 0),
).length;
console.log(
  `medians: base ${Math.round(rate('base'))} msg/s, ${cpu('base').toFixed(1)} µs CPU/msg; ` +
    `change ${Math.round(rate('change'))} msg/s, ${cpu('change').toFixed(1)} µs CPU/msg`,
);
console.log(
  `change / base, median of the rounds' ratios: ${paired((r) => r.messagesPerSecond).toFixed(2)}x msg/s, ` +
    `${paired((r) => r.cpuMicrosPerMessage).toFixed(2)}x CPU per message; faster in ${wins} of ${rounds} rounds`,
);
