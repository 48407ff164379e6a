import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../clock.js';
import { type Bucket, takeToken } from './bucket.js';
import { count } from './errors.js';

/**
 * Where per-key limits live: in this process ({@link memoryFlowStore}, the default) or shared by
 * every process (`redisFlowStore` from `sqs-mega/flow/redis`).
 */
export interface FlowStore {
  /** Takes one token of `key`'s bucket (`rate` per second, up to `burst`): 0 when taken, else ms to wait. */
  take(key: string, rate: number, burst: number): Promise<number>;
  /** One of `limit` concurrent slots of `key`: its release function, or undefined when all are in use. */
  acquire(key: string, limit: number): Promise<(() => Promise<void>) | undefined>;
  /** Describes the store for logs (e.g. `memory`, `redis 127.0.0.1:6379`). */
  readonly description: string;
}

/** Options of {@link memoryFlowStore}. */
export interface MemoryFlowStoreOptions {
  /**
   * Most keys whose buckets are kept (default 10,000; least recently used first out). A key evicted
   * and seen again starts with a full bucket, so it may pass up to `burst` more messages than its
   * rate once per eviction. Concurrency counts are never evicted: a key is kept while it has a
   * message in flight (bounded by the listener's concurrency) and dropped at 0.
   */
  maxKeys?: number;
  clock?: Clock;
}

/** Per-key token buckets and concurrency counts in this process, memory-bounded (`lru-cache`). */
export function memoryFlowStore(options: MemoryFlowStoreOptions = {}): FlowStore {
  const clock = options.clock ?? systemClock;
  const buckets = new LRUCache<string, Bucket>({
    max: count('memoryFlowStore.maxKeys', options.maxKeys ?? 10_000),
  });
  const inUse = new Map<string, number>();
  return {
    description: 'memory',
    async take(key, rate, burst) {
      const now = clock.now();
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      }
      return takeToken(bucket, now, rate, burst);
    },
    async acquire(key, limit) {
      const used = inUse.get(key) ?? 0;
      if (used >= limit) return undefined;
      inUse.set(key, used + 1);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        const left = (inUse.get(key) ?? 1) - 1;
        if (left <= 0) inUse.delete(key);
        else inUse.set(key, left);
      };
    },
  };
}
