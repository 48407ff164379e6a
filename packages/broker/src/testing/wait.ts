import type { ListenerEvents } from 'sqs-mega';

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many ms of real time (default 5,000). */
  timeoutMs?: number;
  /** Real-time ms between checks (default 5). */
  intervalMs?: number;
  /** Describes what was awaited, for the timeout error. */
  message?: string;
}

/**
 * Calls `check` until it returns a value other than `undefined`, `false` or `null` (or stops throwing),
 * and resolves with it; rejects after `timeoutMs` with the last error or a description.
 *
 * ```ts
 * await waitFor(() => handled.length === 3 || undefined);
 * ```
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      throw new Error(`waitFor: ${what} not met within ${options.timeoutMs ?? 5000} ms`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5));
  }
}

/** Anything with typed events and an `on(name, fn)` that returns an unsubscribe function (e.g. a listener). */
export interface EventSource<Events> {
  on<K extends keyof Events>(name: K, fn: (event: Events[K]) => void): () => void;
}

/**
 * Collects the next `count` events named `name` from `source` (e.g. a listener's `processed`
 * events) and resolves with them; rejects after `timeoutMs` (default 5,000) with what it saw.
 */
export function waitForEvents<K extends keyof ListenerEvents, Events extends ListenerEvents = ListenerEvents>(
  source: EventSource<Events>,
  name: K,
  count: number,
  options: { timeoutMs?: number; filter?: (event: Events[K]) => boolean } = {},
): Promise<Events[K][]> {
  return new Promise((resolve, reject) => {
    const seen: Events[K][] = [];
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `waitForEvents: ${seen.length} of ${count} '${String(name)}' events within ${options.timeoutMs ?? 5000} ms`,
        ),
      );
    }, options.timeoutMs ?? 5000);
    const off = source.on(name, (event) => {
      if (options.filter && !options.filter(event)) return;
      seen.push(event);
      if (seen.length >= count) {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}
