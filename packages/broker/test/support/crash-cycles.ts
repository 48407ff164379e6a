// The crash-cycle audit (shared by crash-cycles.test.ts and bench/crash-cycles.ts): producers and
// consumers on a standard queue and a FIFO queue, and SNS publishes fanned out to three raw-delivery
// SQS subscriptions with different filter policies, while the broker is SIGKILLed and restarted on
// the same data directory every `cycleMs`. Then load stops, the broker stops cleanly and the audit
// reads the database file: no acknowledged send lost, no acknowledged delete resurrected, FIFO
// first-time processing in sequence within every group, every acknowledged publish stored in every
// matching subscription queue and in no other.
import { type BrokerProcess, startBrokerProcess } from './broker-process.js';
import type { Sqs } from './clients.js';
import { Ledger } from './ledger.js';
import { consume, pause, produce, produceFifo, publish, type Sns, snsAt, sqsAt } from './load.js';

export interface CrashCyclesOptions {
  cycles: number;
  cycleMs: number;
  dataDir: string;
  log?: (line: string) => void;
  /** Added to the broker's environment (its engine, say). */
  env?: Record<string, string>;
}

export interface CrashCyclesReport {
  cycles: number;
  ackedSends: number;
  ackedDeletes: number;
  ackedFifoSends: number;
  ackedFifoDeletes: number;
  ackedPublishes: number;
  /** Deliveries of a message already received once (standard + FIFO). */
  redeliveries: number;
  meanReadyMs: number;
  maxReadyMs: number;
  lost: string[];
  resurrected: string[];
  fifoLost: string[];
  fifoResurrected: string[];
  orderViolations: string[];
  /** Acknowledged publishes missing from a matching subscription queue (`queue: body`). */
  snsMissing: string[];
  /** Publishes stored in a subscription queue whose filter does not match them. */
  snsMisrouted: string[];
  elapsedMs: number;
}

const GROUPS = 20;
const SUBSCRIPTIONS = [
  { queue: 'cycles-sns-a', filter: { kind: ['a'] } },
  { queue: 'cycles-sns-b', filter: { kind: ['b'] } },
  { queue: 'cycles-sns-all', filter: undefined },
] as const;

export async function runCrashCycles(options: CrashCyclesOptions): Promise<CrashCyclesReport> {
  const { cycles, cycleMs, dataDir, log = () => {}, env } = options;
  const started = Date.now();
  let broker: BrokerProcess = await startBrokerProcess(dataDir, [], { env });
  let sqs: Sqs = sqsAt(broker.url);
  let sns: Sns = snsAt(broker.url);
  const std = new Ledger();
  const fifo = new Ledger();
  const published = new Map<string, string>(); // body → kind
  const received = new Set<string>();
  let redeliveries = 0;
  const firstSeen: number[][] = Array.from({ length: GROUPS }, () => []);
  const readyMs: number[] = [];
  let running = true;
  const workers: Promise<void>[] = [];
  try {
    const queue = await sqs.call('CreateQueue', {
      QueueName: 'cycles-std',
      Attributes: { VisibilityTimeout: '2' },
    });
    const fifoQueue = await sqs.call('CreateQueue', {
      QueueName: 'cycles-fifo.fifo',
      Attributes: { FifoQueue: 'true', VisibilityTimeout: '2' },
    });
    const { TopicArn } = await sns.call('CreateTopic', { Name: 'cycles-topic' });
    for (const s of SUBSCRIPTIONS) {
      const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: s.queue });
      const arn = (await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] }))
        .Attributes.QueueArn;
      const Attributes: Record<string, string> = { RawMessageDelivery: 'true' };
      if (s.filter) Attributes.FilterPolicy = JSON.stringify(s.filter);
      await sns.call('Subscribe', { TopicArn, Protocol: 'sqs', Endpoint: arn, Attributes });
    }

    const on = () => running;
    const client = () => sqs;
    const noteReceived = (body: string) => {
      if (received.has(body)) redeliveries++;
      received.add(body);
    };
    const noteFifo = (body: string) => {
      if (!received.has(body)) {
        const [g, n] = body.slice(1).split(':').map(Number) as [number, number];
        firstSeen[g]!.push(n);
      }
      noteReceived(body);
    };
    workers.push(
      ...[0, 1, 2].map((id) => produce(client, queue.QueueUrl, std, `p${id}`, on)),
      ...[0, 1].map(() => consume(client, queue.QueueUrl, std, on, noteReceived)),
      ...[0, 1, 2, 3].map((id) =>
        produceFifo(
          client,
          fifoQueue.QueueUrl,
          fifo,
          Array.from({ length: GROUPS }, (_, g) => g).filter((g) => g % 4 === id),
          on,
        ),
      ),
      ...[0, 1].map(() => consume(client, fifoQueue.QueueUrl, fifo, on, noteFifo)),
      ...[0, 1].map((id) => publish(() => sns, TopicArn, published, `s${id}`, ['a', 'b', 'c'], on)),
    );

    for (let cycle = 1; cycle <= cycles; cycle++) {
      await pause(cycleMs);
      await broker.kill9();
      const killed = Date.now();
      broker = await startBrokerProcess(dataDir, [], { env });
      readyMs.push(Date.now() - killed);
      sqs.destroy();
      sns.destroy();
      sqs = sqsAt(broker.url);
      sns = snsAt(broker.url);
      log(
        `cycle ${cycle}/${cycles}: ready in ${readyMs.at(-1)} ms; acked sends ${std.ackedSends.size}, fifo ${fifo.ackedSends.size}, publishes ${published.size}`,
      );
    }
    await pause(cycleMs);
    running = false;
    await Promise.all(workers);
    const code = await broker.stop();
    if (code !== 0) throw new Error(`broker exited with ${code} on SIGTERM`);
  } finally {
    running = false;
    await Promise.allSettled(workers);
    sqs.destroy();
    sns.destroy();
    if (broker.child.exitCode === null && broker.child.signalCode === null) await broker.kill9();
  }

  const stored = Ledger.storedBodies(dataDir, 'cycles-std');
  const fifoStored = Ledger.storedBodies(dataDir, 'cycles-fifo.fifo');
  const orderViolations: string[] = [];
  for (const [g, seen] of firstSeen.entries()) {
    const at = seen.findIndex((n, i) => n !== i);
    if (at >= 0) orderViolations.push(`g${g}: #${at} processed first was ${seen[at]}`);
  }
  const snsMissing: string[] = [];
  const snsMisrouted: string[] = [];
  for (const s of SUBSCRIPTIONS) {
    const bodies = Ledger.storedBodies(dataDir, s.queue);
    for (const [body, kind] of published) {
      const matches = !s.filter || (s.filter.kind as readonly string[]).includes(kind);
      if (matches && !bodies.has(body)) snsMissing.push(`${s.queue}: ${body}`);
      if (!matches && bodies.has(body)) snsMisrouted.push(`${s.queue}: ${body}`);
    }
  }
  return {
    cycles,
    ackedSends: std.ackedSends.size,
    ackedDeletes: std.ackedDeletes.size,
    ackedFifoSends: fifo.ackedSends.size,
    ackedFifoDeletes: fifo.ackedDeletes.size,
    ackedPublishes: published.size,
    redeliveries,
    meanReadyMs: Math.round(readyMs.reduce((a, b) => a + b, 0) / Math.max(1, readyMs.length)),
    maxReadyMs: Math.max(0, ...readyMs),
    lost: std.lost(stored),
    resurrected: std.resurrected(stored),
    fifoLost: fifo.lost(fifoStored),
    fifoResurrected: fifo.resurrected(fifoStored),
    orderViolations,
    snsMissing,
    snsMisrouted,
    elapsedMs: Date.now() - started,
  };
}

/** Everything the audit must find empty. */
export function auditFailures(r: CrashCyclesReport): number {
  return (
    r.lost.length +
    r.resurrected.length +
    r.fifoLost.length +
    r.fifoResurrected.length +
    r.orderViolations.length +
    r.snsMissing.length +
    r.snsMisrouted.length
  );
}

/** The report as a table, for the test log and the bench script. */
export function formatCrashCycles(r: CrashCyclesReport): string {
  const rows: Array<[string, string | number]> = [
    ['SIGKILL + restart cycles', r.cycles],
    ['restart to ready, mean / max (ms)', `${r.meanReadyMs} / ${r.maxReadyMs}`],
    ['standard: sends / deletes acknowledged', `${r.ackedSends} / ${r.ackedDeletes}`],
    ['FIFO: sends / deletes acknowledged', `${r.ackedFifoSends} / ${r.ackedFifoDeletes}`],
    ['SNS publishes acknowledged (3 subscriptions)', r.ackedPublishes],
    ['redeliveries', r.redeliveries],
    ['lost acknowledged sends (standard / FIFO)', `${r.lost.length} / ${r.fifoLost.length}`],
    [
      'resurrected acknowledged deletes (std / FIFO)',
      `${r.resurrected.length} / ${r.fifoResurrected.length}`,
    ],
    ['FIFO order violations (20 groups)', r.orderViolations.length],
    ['SNS publishes missing / misrouted', `${r.snsMissing.length} / ${r.snsMisrouted.length}`],
    ['elapsed (s)', (r.elapsedMs / 1000).toFixed(1)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
