// The workloads (rows of the table) and the sequence that runs them all on one server.
import { measureFanout } from './fanout.js';
import { type CellResult, fillBacklog, measureCell, type Timing } from './measure.js';
import { rssBytes } from './proc.js';
import type { RunningServer } from './servers.js';
import { createQueue, deleteQueue, reclaimed, visibleMessages } from './sqs.js';
import type { Script } from './wrk.js';

export type WorkloadName =
  | 'batch-send'
  | 'send'
  | 'cycle-1k'
  | 'cycle-fifo'
  | 'fanout'
  | 'ingest'
  | 'cycle-1m';

export const WORKLOADS: ReadonlyArray<{
  name: WorkloadName;
  label: string;
  script: Script;
  backlog?: number;
  /** Needs a real store (a FIFO queue, SNS): the ceiling has no figure for it. */
  fifo?: boolean;
  /** No warm-up, one queue for every run, never deleted: the backlog grows as a user's would. */
  sustained?: boolean;
}> = [
  { name: 'batch-send', label: 'SendMessageBatch 10 x 1 KiB', script: 'send-batch' },
  { name: 'send', label: 'SendMessage 1 KiB', script: 'send' },
  { name: 'cycle-1k', label: 'send+receive+delete, 1k backlog', script: 'cycle', backlog: 1_000 },
  {
    name: 'cycle-fifo',
    label: 'FIFO send+receive+delete cycle, 50 groups',
    script: 'cycle-fifo',
    fifo: true,
  },
  {
    name: 'fanout',
    label: 'SNS fan-out: Publish to 10 filtered raw subscriptions (delivered)',
    script: 'publish',
    fifo: true,
  },
  {
    name: 'ingest',
    label: 'SendMessageBatch 10 x 1 KiB, sustained ingest',
    script: 'send-batch',
    sustained: true,
  },
  { name: 'cycle-1m', label: 'send+receive+delete, 1M backlog', script: 'cycle', backlog: 1_000_000 },
];

/** What one server did: a cell per workload, and its memory. */
export interface ServerResult {
  cells: Partial<Record<WorkloadName, CellResult>>;
  /** RSS once listening, before any load, bytes. */
  rssStartBytes: number;
  /** RSS after the send and 1k-cycle workloads, bytes. */
  rssBytes: number;
  /** RSS with the 1M backlog in the queue, after its cycle runs, bytes. */
  rssBacklogBytes?: number;
  /** Seconds the 1M backlog fill took, and how many messages it left visible. */
  backlogFillSeconds?: number;
  backlogMessages?: number;
}

export interface Plan {
  timing: Timing;
  /** Run the 1M-backlog row (slow: the fill). */
  bigBacklog: boolean;
  /** The ceiling has no store: the backlog row means nothing there. */
  hasStore: boolean;
}

/** Runs every workload on `server`, each on its own queue; send queues are deleted afterwards. */
export async function runWorkloads(server: RunningServer, plan: Plan, log: (s: string) => void) {
  const result: ServerResult = { cells: {}, rssStartBytes: rssBytes(server.pid), rssBytes: 0 };
  for (const w of WORKLOADS) {
    if (w.name === 'ingest') result.rssBytes = rssBytes(server.pid);
    if (w.name === 'cycle-1m' && (!plan.bigBacklog || !plan.hasStore)) continue;
    if (w.fifo && !plan.hasStore) continue;
    if (w.name === 'fanout') {
      result.cells.fanout = await measureFanout(server, plan.timing);
      log(`  ${server.name} ${w.label}: ${Math.round(result.cells.fanout.messagesPerSecond)} msg/s`);
      continue;
    }
    const queueUrl = await createQueue(server.url, `bench-${w.name}`, w.fifo);
    if (w.backlog !== undefined && plan.hasStore) {
      const seconds = await fillBacklog(server, queueUrl, w.backlog);
      const visible = await visibleMessages(server.url, queueUrl);
      log(`  ${server.name}: filled ${visible.toLocaleString('en')} messages in ${seconds.toFixed(1)} s`);
      if (w.name === 'cycle-1m') {
        result.backlogFillSeconds = seconds;
        result.backlogMessages = visible;
      }
    }
    let runs = 0;
    const fresh = () => createQueue(server.url, `bench-${w.name}-${++runs}`, true);
    const timing = w.sustained ? { ...plan.timing, warmupSeconds: 0 } : plan.timing;
    const cell = await measureCell(server, w.script, w.fifo ? fresh : queueUrl, timing);
    result.cells[w.name] = cell;
    log(
      `  ${server.name} ${w.label}: ${Math.round(cell.messagesPerSecond)} msg/s, ` +
        `${cell.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg${cell.errors ? `, ${cell.errors} ERRORS` : ''}`,
    );
    if (w.name === 'cycle-1m') result.rssBacklogBytes = rssBytes(server.pid);
    if (w.sustained) {
      if (plan.hasStore) {
        const visible = await visibleMessages(server.url, queueUrl);
        log(`  ${server.name}: sustained ingest left ${visible.toLocaleString('en')} messages (queue kept)`);
      }
      continue;
    }
    if (w.backlog === undefined) {
      await deleteQueue(server.url, queueUrl);
      // the broker frees a deleted queue's messages in the background: not during the next cell
      const waited = await reclaimed(server.url);
      if (waited >= 0.5)
        log(`  ${server.name}: freed the deleted queue's messages in ${waited.toFixed(1)} s`);
    }
  }
  return result;
}
