import { DeferError, type DeferMode } from '../listen/defer.js';
import { RetriableError } from '../listen/errors.js';
import type { Middleware } from '../listen/types.js';
import { count, FlowOptionError, positive } from './errors.js';
import { type KeySource, keyReader } from './key.js';
import { type FlowStore, memoryFlowStore } from './store.js';

/** Options of {@link rateLimit}. Rates are per second, delays in seconds. */
export interface RateLimitOptions {
  /** The key limited separately (tenant, account, endpoint): see {@link KeySource}. */
  key: KeySource;
  /** Messages per second per key (token bucket refill rate; default: no rate limit). */
  rate?: number;
  /** Bucket size: messages a key may run at once after being idle (default: `rate` rounded up, ≥ 1). */
  burst?: number;
  /** Messages of one key running at once (default: no cap). */
  concurrency?: number;
  /** How over-limit messages wait (default: the listener's `deferral.mode`). */
  mode?: DeferMode;
  /** Where buckets and counts live (default: a {@link memoryFlowStore} of its own, 10,000 keys). */
  store?: FlowStore;
  /** Delay of a message refused by the concurrency cap, seconds (default 1). */
  busyDeferSeconds?: number;
  /** A name for deferral reasons and errors (default `rateLimit`). */
  name?: string;
}

/** The flow store failed (e.g. Redis unreachable): the message is retried with the listener's backoff. */
export class FlowStoreError extends RetriableError {
  override name = 'FlowStoreError';
}

/**
 * Per-key rate limit and concurrency cap, as middleware (`middleware: [rateLimit({ key: 'tenant',
 * rate: 10 })]` on the listener or one subscriber). A message over its key's limit is **deferred**
 * (`DeferError`, see the listener's `deferral` option), never busy-waited on nor failed: rate
 * refusals wait until their key's next free slot (whole seconds, at least 1), concurrency refusals
 * `busyDeferSeconds`. Messages without a key pass unlimited.
 * @throws {@link FlowOptionError} at construction for a rate, burst, concurrency or delay that is 0,
 * negative or not a number, or with neither `rate` nor `concurrency`.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const name = options.name ?? 'rateLimit';
  if (options.rate === undefined && options.concurrency === undefined)
    throw new FlowOptionError(`${name}.rate`, undefined, `set (or ${name}.concurrency): a limit is required`);
  const rate = options.rate === undefined ? undefined : positive(`${name}.rate`, options.rate);
  const burst =
    rate === undefined
      ? 1
      : options.burst === undefined
        ? Math.max(1, Math.ceil(rate))
        : positive(`${name}.burst`, options.burst, 'a finite number ≥ 1');
  if (burst < 1) throw new FlowOptionError(`${name}.burst`, burst, 'a finite number ≥ 1');
  const concurrency =
    options.concurrency === undefined ? undefined : count(`${name}.concurrency`, options.concurrency);
  const busy = positive(`${name}.busyDeferSeconds`, options.busyDeferSeconds ?? 1);
  if (options.mode !== undefined && options.mode !== 'reroute' && options.mode !== 'visibility')
    throw new FlowOptionError(`${name}.mode`, options.mode, "'reroute' or 'visibility'");
  const read = keyReader(`${name}.key`, options.key);
  const store = options.store ?? memoryFlowStore();
  const guarded = <T>(fn: () => Promise<T>) =>
    fn().catch((error: unknown) => {
      throw new FlowStoreError(`${name}: flow store ${store.description} failed: ${String(error)}`, {
        cause: error,
      });
    });
  return (next) => async (payload, context) => {
    const key = read(payload, context);
    if (key === undefined) return next(payload, context);
    const release =
      concurrency === undefined ? undefined : await guarded(() => store.acquire(key, concurrency));
    if (concurrency !== undefined && !release)
      throw new DeferError(busy, `${name}: key ${key} has ${concurrency} messages running`, options.mode);
    try {
      if (rate !== undefined) {
        const waitMs = await guarded(() => store.take(key, rate, burst));
        if (waitMs > 0)
          throw new DeferError(waitMs / 1000, `${name}: key ${key} over ${rate}/s`, options.mode);
      }
      return await next(payload, context);
    } finally {
      await release?.().catch(() => {});
    }
  };
}
