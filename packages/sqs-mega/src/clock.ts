/**
 * Time, injected: the listener's backoff, heartbeats, handler timeouts and batching windows ask a
 * {@link Clock}. Same shape as the broker's clock, so `startTestBroker({ time: 'manual' }).testClock`
 * can drive both the broker and a listener.
 */

/** A cancellable timer handle. */
export interface Timer {
  cancel(): void;
}

/** A source of time and timers. Values are milliseconds since the Unix epoch. */
export interface Clock {
  /** Current time, in milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now (0 or negative: as soon as possible). */
  setTimeout(fn: () => void, ms: number): Timer;
}

/** The real clock: `Date.now()` and Node timers, unref'd so they never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Real time like {@link systemClock}, but with timers that hold the process open: for a wait that
 * something awaits and that nothing else keeps alive (the delete linger, the replay's status polls
 * in a one-shot CLI).
 */
export const heldClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms` on `clock`, or at once (rejecting with the signal's reason) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface PendingTimer {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests. Time stands still until {@link TestClock.advance} moves it; due timers
 * then fire in time order, each at its own instant, and pending promise work is let run between them.
 */
export class TestClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private order = 0;
  private readonly holds = new Set<() => Promise<void> | undefined>();

  /** @param start the initial time in ms since the epoch (default: 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer: PendingTimer = {
      at: this.current + Math.max(0, ms),
      order: this.order++,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /**
   * Makes {@link TestClock.advance} also wait for work that runs outside this event loop: `busy`
   * returns a promise while such work is under way (a durable store's commits on a worker thread, say)
   * and undefined when there is none. Returns a function that removes it.
   */
  waitFor(busy: () => Promise<void> | undefined): () => void {
    this.holds.add(busy);
    return () => this.holds.delete(busy);
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves time forward by `ms` milliseconds, firing every timer that falls due on the way (in order),
   * and letting promise callbacks and I/O callbacks scheduled by them run before the next one.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await this.settle();
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      due.cancelled = true;
      due.fn();
    }
    this.current = target;
    await this.settle();
  }

  /**
   * Lets pending promise jobs and immediates run (a few rounds, for chains of awaits), and the work
   * registered with {@link TestClock.waitFor} finish, until none is left.
   */
  private async settle(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      const busy = [...this.holds].map((b) => b()).filter((p) => p !== undefined);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }
}
