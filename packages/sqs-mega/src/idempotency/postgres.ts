import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { MessageContext } from '../listen/types.js';
import { leaseResource } from './context.js';
import { idempotencyMigrationSql, quoteTable, statements } from './postgres-sql.js';
import type { Claim, IdempotencyStore, Lease } from './store.js';
import { IdempotencyStoreError, storeCall } from './store.js';
import { withTimeout } from './timeout.js';

export { idempotencyMigrationSql } from './postgres-sql.js';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** A `pg` pool the application owns (not ended by `close()`). */
  pool?: pg.Pool;
  /** Or a connection string (default `postgres://postgres@127.0.0.1:5432/postgres`); the store owns that pool. */
  connectionString?: string;
  /** The table, optionally schema-qualified (default `mega_idempotency`). */
  table?: string;
  /** Create the table on first use with {@link idempotencyMigrationSql} (default true). */
  createTable?: boolean;
  /**
   * Transactional inbox (default false): each claim opens a transaction on its own connection; the
   * handler gets that client with {@link transactionOf} and does its writes on it; the completion
   * record commits in the same transaction, so effects and dedup commit (or roll back) together. A
   * concurrent duplicate waits on the row lock (up to its lease) and then sees the outcome; a crashed
   * claimant's connection drops and its transaction rolls back.
   */
  transactional?: boolean;
  /** Longest wait for a connection or one statement, ms (default 5,000). */
  timeoutMs?: number;
}

/** The idempotency store with its pool, for closing and housekeeping. */
export interface PostgresStore extends IdempotencyStore {
  readonly pool: pg.Pool;
  /** Deletes expired claims and completion records; resolves with how many. Run it now and then. */
  purgeExpired(): Promise<number>;
  /** Ends the pool when the store created it. */
  close(): Promise<void>;
}

/**
 * An idempotency store in PostgreSQL (`pg`): a claim is `INSERT ... ON CONFLICT DO UPDATE ... WHERE
 * expired` on one row per key, a completion turns the row into `done` with its TTL. With
 * `transactional: true` it is a transactional inbox (see the option). Load it from
 * `sqs-mega/idempotency/postgres`.
 */
export function postgresStore(options: PostgresStoreOptions = {}): PostgresStore {
  const owned = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
  // A pool's idle client that loses its server emits 'error'; without a listener that would crash.
  if (owned) pool.on('error', () => {});
  const table = options.table ?? 'mega_idempotency';
  quoteTable(table);
  const sql = statements(table);
  const timeoutMs = options.timeoutMs ?? 5000;
  const o = pool.options as { host?: string; port?: number; database?: string; connectionString?: string };
  const address = o.connectionString
    ? safeAddress(o.connectionString)
    : `${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
  const description = `postgres ${address}`;
  const call = <T>(operation: string, fn: () => Promise<T>) =>
    storeCall(description, operation, () => withTimeout(fn(), timeoutMs, operation));
  let ready: Promise<void> | undefined;
  const ensureTable = () => {
    if (options.createTable === false) return Promise.resolve();
    ready ??= call('create the table', async () => {
      await pool.query(idempotencyMigrationSql(table));
    }).catch((error) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  async function peek(key: string): Promise<Claim> {
    const { rows } = await call('claim', () => pool.query(sql.peek, [key]));
    const row = rows[0] as { state: string; left_ms: number } | undefined;
    if (row?.state === 'done') return { state: 'done' };
    return { state: 'busy', retryAfterMs: Math.max(1, Math.ceil(row?.left_ms ?? 1)) };
  }

  async function claimLease(key: string, leaseMs: number): Promise<Claim> {
    const owner = randomUUID();
    const { rowCount } = await call('claim', () => pool.query(sql.claim, [key, owner, leaseMs]));
    if (!rowCount) return peek(key);
    const lease: Lease = {
      complete: async (ttlMs) => {
        await call('complete', () => pool.query(sql.complete, [key, ttlMs]));
      },
      release: async () => {
        await call('release', () => pool.query(sql.release, [key, owner]));
      },
      extend: async (ms) => {
        await call('extend', () => pool.query(sql.extend, [key, owner, ms]));
      },
    };
    return { state: 'claimed', lease };
  }

  async function claimInTransaction(key: string, leaseMs: number): Promise<Claim> {
    const client = await call('connect', () => pool.connect());
    let finished = false;
    const end = async (statement: 'COMMIT' | 'ROLLBACK', operation: string) => {
      if (finished) return;
      finished = true;
      try {
        await call(operation, () => client.query(statement));
        client.release();
      } catch (error) {
        client.release(true);
        throw error;
      }
    };
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.ceil(leaseMs))}`);
      const { rowCount } = await client.query(sql.claimDone, [key, leaseMs]);
      if (!rowCount) {
        await end('ROLLBACK', 'claim');
        return peek(key);
      }
    } catch (error) {
      await end('ROLLBACK', 'claim').catch(() => {});
      if ((error as { code?: string }).code === '55P03') return { state: 'busy', retryAfterMs: leaseMs };
      throw error instanceof IdempotencyStoreError
        ? error
        : new IdempotencyStoreError(description, 'claim', error);
    }
    return {
      state: 'claimed',
      lease: {
        resource: client,
        transactional: true,
        complete: async (ttlMs) => {
          try {
            await client.query(
              `UPDATE ${quoteTable(table)} SET expires_at = now() + $2 * interval '1 millisecond' WHERE key = $1`,
              [key, ttlMs],
            );
          } catch (error) {
            await end('ROLLBACK', 'complete').catch(() => {});
            throw new IdempotencyStoreError(description, 'complete', error);
          }
          await end('COMMIT', 'complete');
        },
        release: () => end('ROLLBACK', 'release'),
      },
    };
  }

  return {
    description,
    pool,
    async claim(key, leaseMs) {
      await ensureTable();
      return options.transactional ? claimInTransaction(key, leaseMs) : claimLease(key, leaseMs);
    },
    async purgeExpired() {
      await ensureTable();
      const { rowCount } = await call('purge', () => pool.query(sql.purge));
      return rowCount ?? 0;
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}

/**
 * The PostgreSQL client of the transaction the idempotency middleware opened for this handler run
 * (a `postgresStore({ transactional: true })`): do the handler's writes on it so they commit with
 * the completion record. Throws when the run has no such transaction.
 */
export function transactionOf(context: MessageContext): pg.PoolClient {
  const resource = leaseResource(context);
  if (!(resource instanceof pg.Client))
    throw new TypeError(
      'transactionOf: this handler run has no PostgreSQL transaction (use idempotency({ store: postgresStore({ transactional: true }) }) on this subscriber)',
    );
  return resource as pg.PoolClient;
}

function safeAddress(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'connection string';
  }
}
