import { LRUCache } from 'lru-cache';
import type { Claim, IdempotencyStore } from './store.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys kept (claims and completion records together); least recently used go first (default 10,000). */
  max?: number;
}

type Entry = { state: 'claimed'; token: object } | { state: 'done' };

/**
 * An idempotency store in this process's memory: bounded (LRU) with a TTL per entry. For one process
 * and for tests; listeners in other processes do not see its keys (use Redis or PostgreSQL there).
 */
export function memoryStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  const cache = new LRUCache<string, Entry>({ max: options.max ?? 10_000, ttlAutopurge: false });
  return {
    description: 'memory',
    async claim(key: string, leaseMs: number): Promise<Claim> {
      const entry = cache.get(key);
      if (entry?.state === 'done') return { state: 'done' };
      if (entry?.state === 'claimed')
        return { state: 'busy', retryAfterMs: Math.max(1, cache.getRemainingTTL(key)) };
      const token = {};
      cache.set(key, { state: 'claimed', token }, { ttl: leaseMs });
      const owns = () => {
        const current = cache.get(key);
        return current?.state === 'claimed' && current.token === token;
      };
      return {
        state: 'claimed',
        lease: {
          async complete(ttlMs) {
            cache.set(key, { state: 'done' }, { ttl: ttlMs });
          },
          async release() {
            if (owns()) cache.delete(key);
          },
          async extend(ms) {
            if (owns()) cache.set(key, { state: 'claimed', token }, { ttl: ms });
          },
        },
      };
    },
  };
}
