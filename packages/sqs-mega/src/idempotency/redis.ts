import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Claim, IdempotencyStore } from './store.js';
import { storeCall } from './store.js';
import { withTimeout } from './timeout.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client the application owns (not closed by `close()`). */
  client?: Redis;
  /** Or where to connect: a `redis://` URL (default `redis://127.0.0.1:6379`); the store owns that client. */
  url?: string;
  /** Extra ioredis options for a client the store creates. */
  redisOptions?: RedisOptions;
  /** Prefix of every key (default `mega:idem:`); use one per application or environment. */
  prefix?: string;
  /** Longest wait for one store operation, ms (default 2,000); past it the claim fails as unreachable. */
  timeoutMs?: number;
}

/** The idempotency store with its client, for closing. */
export interface RedisStore extends IdempotencyStore {
  readonly client: Redis;
  /** Closes the client when the store created it. */
  close(): Promise<void>;
}

// One round trip: SET NX PX claims; otherwise the value tells done from in progress.
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, 0} end
local v = redis.call('GET', KEYS[1])
if v == 'done' then return {2, 0} end
return {3, redis.call('PTTL', KEYS[1])}`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * An idempotency store in Redis (ioredis): a claim is `SET key <token> NX PX <lease>` (the lease
 * lets the key go if the process dies), a completion replaces it with `done` for its own TTL. Every
 * listener sharing the Redis shares the keys. Load it from `sqs-mega/idempotency/redis`.
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  const owned = options.client === undefined;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: 1,
      ...options.redisOptions,
    });
  const prefix = options.prefix ?? 'mega:idem:';
  const timeoutMs = options.timeoutMs ?? 2000;
  const description = `redis ${client.options.host ?? '127.0.0.1'}:${client.options.port ?? 6379}`;
  const call = <T>(operation: string, fn: () => Promise<T>) =>
    storeCall(description, operation, () => withTimeout(fn(), timeoutMs, operation));
  return {
    description,
    client,
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
    async claim(key: string, leaseMs: number): Promise<Claim> {
      const redisKey = prefix + key;
      const token = randomUUID();
      const [code, ttl] = (await call('claim', () =>
        client.eval(CLAIM, 1, redisKey, token, String(Math.max(1, Math.ceil(leaseMs)))),
      )) as [number, number];
      if (code === 2) return { state: 'done' };
      if (code === 3) return { state: 'busy', retryAfterMs: Math.max(1, ttl) };
      return {
        state: 'claimed',
        lease: {
          complete: async (ttlMs) => {
            await call('complete', () => client.set(redisKey, 'done', 'PX', Math.max(1, Math.ceil(ttlMs))));
          },
          release: async () => {
            await call('release', () => client.eval(RELEASE, 1, redisKey, token));
          },
          extend: async (ms) => {
            await call('extend', () => client.eval(EXTEND, 1, redisKey, token, String(Math.ceil(ms))));
          },
        },
      };
    },
  };
}
