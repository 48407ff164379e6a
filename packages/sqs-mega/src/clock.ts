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
