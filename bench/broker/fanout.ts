// The fan-out row: SNS Publish to a topic with 10 SQS subscriptions (raw delivery), each with a filter
// policy that the published attribute (kind=a) matches, so every publish is 10 deliveries. Each run
// gets a fresh topic and queues; afterwards the queues must hold 10 × the acknowledged publishes
// (plus at most the publishes still in flight when wrk stopped), or the cell reports errors.
// Before each run one probe (kind=z) checks that the server really filters like SNS: it must reach
// exactly the queues whose policy matches z (PROBE_MATCHES), so a server that skipped filtering would
// report errors rather than a faster row.
import { type CellResult, median, type Run, type Timing } from './measure.js';
import { cpuMicros } from './proc.js';
import type { RunningServer } from './servers.js';
import { createTopic, deleteTopic, publishKind, subscribeQueue } from './sns.js';
import { call, createQueue, deleteQueue, reclaimed, visibleMessages } from './sqs.js';
import { errorsOf, runWrk, WRK_CONNECTIONS } from './wrk.js';

export const FANOUT_SUBSCRIPTIONS = 10;

/** Ten filter policies of the usual kinds, each matching `kind=a`. */
const POLICIES: object[] = [
  { kind: ['a'] },
  { kind: ['a', 'b'] },
  { kind: [{ prefix: 'a' }] },
  { kind: [{ 'anything-but': ['z'] }] },
  { kind: [{ exists: true }] },
  { kind: ['a'], other: [{ exists: false }] },
  // not equals-ignore-case: fauxqs 1.9.2 does not implement it, and the row must compare equal work
  { kind: [{ 'anything-but': ['b', 'c'] }] },
  { kind: ['x', 'a'] },
  { kind: [{ prefix: '' }] },
  { kind: [{ 'anything-but': { prefix: 'b' } }] },
];

/** Which of POLICIES match `kind=z`: the probe's message must be in exactly these queues. */
const PROBE_MATCHES = [false, false, false, false, true, false, true, false, true, true];

/** Publishes the kind=z probe; returns 1 if it reached other queues than PROBE_MATCHES, else 0. */
async function probeFiltering(url: string, topicArn: string, queues: string[]): Promise<number> {
  await publishKind(url, topicArn, 'z');
  await new Promise((resolve) => setTimeout(resolve, 500)); // servers that deliver asynchronously
  let wrong = 0;
  for (let i = 0; i < queues.length; i++) {
    const count = await visibleMessages(url, queues[i] as string);
    if (count !== (PROBE_MATCHES[i] ? 1 : 0)) wrong++;
  }
  if (wrong > 0)
    console.error(`fan-out: the kind=z probe reached ${wrong} queue(s) wrongly: no SNS filtering`);
  return wrong > 0 ? 1 : 0;
}

async function fanoutTarget(url: string, run: number) {
  const topicArn = await createTopic(url, `bench-fanout-${run}`);
  const queues: string[] = [];
  for (let i = 0; i < FANOUT_SUBSCRIPTIONS; i++) {
    const queueUrl = await createQueue(url, `bench-fanout-${run}-${i}`);
    const attrs = (
      await call(url, 'GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })
    ).Attributes as Record<string, string>;
    await subscribeQueue(url, topicArn, attrs.QueueArn as string, POLICIES[i] as object);
    queues.push(queueUrl);
  }
  return { topicArn, queues };
}

/** Measures the fan-out row on `server`: messages delivered per second (publishes × 10). */
export async function measureFanout(server: RunningServer, timing: Timing): Promise<CellResult> {
  let errors = 0;
  const runs: Run[] = [];
  for (let i = 0; i <= timing.runs; i++) {
    const warmup = i === 0;
    const { topicArn, queues } = await fanoutTarget(server.url, i);
    errors += await probeFiltering(server.url, topicArn, queues);
    const probed = PROBE_MATCHES.filter(Boolean).length;
    const cpuBefore = cpuMicros(server.pid);
    const r = await runWrk('publish', server.url, warmup ? timing.warmupSeconds : timing.seconds, [topicArn]);
    const cpu = cpuMicros(server.pid) - cpuBefore;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // servers that deliver asynchronously catch up
    let stored = -probed;
    for (const q of queues) stored += await visibleMessages(server.url, q);
    const delivered = r.sent * FANOUT_SUBSCRIPTIONS;
    // wrk stops counting with up to one publish per connection still in flight: stored may exceed
    // the acknowledged deliveries by that much, never fall short of them
    const inFlight = WRK_CONNECTIONS * FANOUT_SUBSCRIPTIONS;
    errors += errorsOf(r) + (stored >= delivered && stored <= delivered + inFlight ? 0 : 1);
    for (const q of queues) await deleteQueue(server.url, q);
    await deleteTopic(server.url, topicArn);
    // the broker frees deleted queues' messages in the background: not during the next run
    await reclaimed(server.url);
    if (warmup) continue;
    runs.push({
      messages: delivered,
      messagesPerSecond: delivered / (r.durationUs / 1e6),
      cpuMicrosPerMessage: cpu / delivered,
      errors: errorsOf(r),
    });
  }
  return {
    messagesPerSecond: median(runs.map((r) => r.messagesPerSecond)),
    cpuMicrosPerMessage: median(runs.map((r) => r.cpuMicrosPerMessage)),
    errors,
    runs,
  };
}
