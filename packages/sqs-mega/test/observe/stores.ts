import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type IdempotencyStore, memoryStore } from 'sqs-mega/idempotency';
import { type PostgresStore, postgresStore } from 'sqs-mega/idempotency/postgres';
import { type RedisStore, redisStore } from 'sqs-mega/idempotency/redis';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A unique name for this test run (Redis key prefixes, PostgreSQL tables). */
export function runId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

/** The three stores, each made fresh with a prefix / table of its own; `cleanup` drops what they made. */
export function storeKinds() {
  const made: Array<RedisStore | PostgresStore> = [];
  const tables: string[] = [];
  const kinds: Array<{ name: string; make(): IdempotencyStore }> = [
    { name: 'memory', make: () => memoryStore() },
    {
      name: 'redis',
      make: () => {
        const store = redisStore({ url: REDIS_URL, prefix: `test:idem:${runId()}:` });
        made.push(store);
        return store;
      },
    },
    {
      name: 'postgres',
      make: () => {
        const table = `idem_${runId()}`;
        tables.push(table);
        const store = postgresStore({ connectionString: PG_URL, table });
        made.push(store);
        return store;
      },
    },
  ];
  async function cleanup() {
    for (const store of made) await store.close().catch(() => {});
    if (tables.length === 0) return;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    for (const table of tables) await client.query(`DROP TABLE IF EXISTS "${table}"`);
    await client.end();
  }
  return { kinds, cleanup };
}
