// sqs-mega/flow/redis: per-key limits shared by every process through Redis (ioredis, an optional
// peer dependency loaded only here).
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { positive } from './errors.js';
import type { FlowStore } from './store.js';

/** Options of {@link redisFlowStore}. */
export interface RedisFlowStoreOptions {
  /** An ioredis client the application owns (not closed by `close()`). */
  client?: Redis;
  /** Or where to connect (default `redis://127.0.0.1:6379`); the store owns that client. */
  url?: string;
  /** Extra ioredis options for a client the store creates. */
  redisOptions?: RedisOptions;
  /** Prefix of every key (default `mega:flow:`); share it between the processes sharing limits. */
  prefix?: string;
  /**
   * Lease of a concurrency slot, ms (default 300,000): a slot whose process died without releasing
   * it is freed after this; a handler running longer lets one more message of its key start.
   */
  leaseMs?: number;
}

/** The store with its client, for closing. */
export interface RedisFlowStore extends FlowStore {
  readonly client: Redis;
  /** Closes the client when the store created it. */
  close(): Promise<void>;
}

// One atomic step per message, on Redis's clock (TIME), so that every process shares one bucket.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'next')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
local nxt = tonumber(v[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
if now > at then at = now end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  local slot = math.max(now + (1 - tokens) / rate * 1000, nxt + 1000 / rate)
  nxt = slot
  wait = math.max(1, math.ceil(slot - now))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at), 'next', tostring(nxt))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(burst / rate * 1000, nxt - now)) + 1000)
return wait`;

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1`;

/**
 * Per-key token buckets and concurrency caps in Redis, shared by every listener using the same
 * Redis and prefix: a bucket is a hash updated by one Lua script per message (atomic, on Redis's
 * clock), a key's running messages a sorted set of leases. Keys expire when idle. Load it from
 * `sqs-mega/flow/redis`; pass it as `rateLimit({ store })`.
 */
export function redisFlowStore(options: RedisFlowStoreOptions = {}): RedisFlowStore {
  const owned = options.client === undefined;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, ...options.redisOptions });
  const prefix = options.prefix ?? 'mega:flow:';
  const leaseMs = Math.ceil(positive('redisFlowStore.leaseMs', options.leaseMs ?? 300_000));
  return {
    description: `redis ${client.options.host ?? '127.0.0.1'}:${client.options.port ?? 6379}`,
    client,
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
    async take(key, rate, burst) {
      return Number(await client.eval(TAKE, 1, `${prefix}rate:${key}`, String(rate), String(burst)));
    },
    async acquire(key, limit) {
      const redisKey = `${prefix}busy:${key}`;
      const token = randomUUID();
      const ok = await client.eval(ACQUIRE, 1, redisKey, String(limit), token, String(leaseMs));
      if (Number(ok) !== 1) return undefined;
      return async () => {
        await client.zrem(redisKey, token);
      };
    },
  };
}
