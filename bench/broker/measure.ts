// One cell of the table: a workload on a server, warmed up, run RUNS times, medians reported.
import { cpuMicros } from './proc.js';
import type { RunningServer } from './servers.js';
import { errorsOf, runWrk, type Script, type WrkResult } from './wrk.js';

export interface Timing {
  /** Seconds per measured run. */
  seconds: number;
  warmupSeconds: number;
  runs: number;
}

/** One measured run. */
export interface Run {
  messages: number;
  messagesPerSecond: number;
  cpuMicrosPerMessage: number;
  errors: number;
}

export interface CellResult {
  /** Medians over the runs. */
  messagesPerSecond: number;
  cpuMicrosPerMessage: number;
  /** Failed requests or batch entries over the warm-up and all runs: a cell with any is not a figure. */
  errors: number;
  runs: Run[];
}

/** Messages a run moved: sends acknowledged, or, for the cycle, messages deleted after their receive. */
const messagesOf = (script: Script, r: WrkResult): number =>
  script.startsWith('cycle') ? r.deleted : r.sent;

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/**
 * Measures one cell. `queue` is the queue's URL, or a function giving a new queue for each wrk run
 * (the FIFO cycle: messages a run leaves in flight would block their groups in the next run).
 */
export async function measureCell(
  server: RunningServer,
  script: Script,
  queue: string | (() => Promise<string>),
  timing: Timing,
): Promise<CellResult> {
  const queueUrl = async () => (typeof queue === 'string' ? queue : await queue());
  const warmup =
    timing.warmupSeconds > 0
      ? await runWrk(script, server.url, timing.warmupSeconds, [await queueUrl()])
      : undefined;
  const runs: Run[] = [];
  for (let i = 0; i < timing.runs; i++) {
    const url = await queueUrl();
    const cpuBefore = cpuMicros(server.pid);
    const r = await runWrk(script, server.url, timing.seconds, [url]);
    const cpu = cpuMicros(server.pid) - cpuBefore;
    const messages = messagesOf(script, r);
    runs.push({
      messages,
      messagesPerSecond: messages / (r.durationUs / 1e6),
      cpuMicrosPerMessage: cpu / messages,
      errors: errorsOf(r),
    });
  }
  return {
    messagesPerSecond: median(runs.map((r) => r.messagesPerSecond)),
    cpuMicrosPerMessage: median(runs.map((r) => r.cpuMicrosPerMessage)),
    errors: (warmup ? errorsOf(warmup) : 0) + runs.reduce((n, r) => n + r.errors, 0),
    runs,
  };
}

/** Fills `queueUrl` with `messages` 1 KiB messages (batches of 10 through wrk); returns the seconds taken. */
export async function fillBacklog(
  server: RunningServer,
  queueUrl: string,
  messages: number,
): Promise<number> {
  const start = performance.now();
  const r = await runWrk('fill', server.url, 600, [queueUrl, String(messages)]);
  if (errorsOf(r) > 0) throw new Error(`backlog fill on ${server.name}: ${errorsOf(r)} errors`);
  return (performance.now() - start) / 1000;
}
