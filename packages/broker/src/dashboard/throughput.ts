import type { ThroughputSample } from './api.js';

/** Samples kept: two minutes at one a second. */
const KEEP = 120;
/** Sampling interval, in ms (wall-clock time: the chart is for people watching). */
export const TICK_MS = 1000;
/** The sampler stops when nobody asked for it for this long, in ms. */
const IDLE_MS = 60_000;

/** Running totals of stored and deleted messages (the store's `messages.tally`). */
export interface Tally {
  readonly inserted: number;
  readonly deleted: number;
}

/**
 * Messages sent and deleted per second, sampled from the store's running totals once a second while
 * a dashboard is open. Each sample is a "tick"; the event stream waits for the next one.
 */
export class Throughput {
  private readonly samples: ThroughputSample[] = [];
  private last: { inserted: number; deleted: number };
  private timer: NodeJS.Timeout | undefined;
  private waiters = new Set<() => void>();
  private usedAt = 0;
  /** Number of the latest sample; 0 before the first. */
  tick = 0;

  constructor(private readonly tally: Tally) {
    this.last = { inserted: tally.inserted, deleted: tally.deleted };
  }

  /** The samples, oldest first (starts sampling if it was idle). */
  history(): ThroughputSample[] {
    this.touch();
    return this.samples.slice();
  }

  /** Resolves at the first tick after `tick`, or after `maxWaitMs`, whichever comes first. */
  next(tick: number, maxWaitMs: number): Promise<void> {
    this.touch();
    if (this.tick !== tick) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        this.waiters.delete(done);
        resolve();
      };
      const timeout = setTimeout(done, maxWaitMs);
      timeout.unref();
      this.waiters.add(done);
    });
  }

  private touch(): void {
    this.usedAt = Date.now();
    if (this.timer) return;
    this.last = { inserted: this.tally.inserted, deleted: this.tally.deleted };
    this.timer = setInterval(() => this.sample(), TICK_MS);
    this.timer.unref();
  }

  private sample(): void {
    const now = Date.now();
    const { inserted, deleted } = this.tally;
    this.samples.push({ t: now, sent: inserted - this.last.inserted, deleted: deleted - this.last.deleted });
    if (this.samples.length > KEEP) this.samples.shift();
    this.last = { inserted, deleted };
    this.tick++;
    for (const wake of [...this.waiters]) wake();
    if (now - this.usedAt > IDLE_MS) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
