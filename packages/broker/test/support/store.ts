// Engine-neutral looks into a test broker's store, and the SQLite connection for the durable
// engine's own tests.
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import type { TestBroker } from 'sqs-mega-broker/testing';
import { setMaxDatabaseBytes } from '../../src/store/database.js';
import { openStore, type Store } from '../../src/store/index.js';
import { LoggedStore } from '../../src/store/logged/index.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/** Every message the store still holds for the queue, expired or purged ones included. */
export function storedCount(broker: TestBroker, queueId: number): number {
  return broker.sqs.store.peek.messages(queueId, Number.NEGATIVE_INFINITY, 1_000_000_000).length;
}

/** The SQLite connection of a broker on the durable engine (fails the test on another engine). */
export function sqliteDb(broker: TestBroker): Database.Database {
  const store = broker.sqs.store;
  assert.ok(store instanceof SqliteStore, `the broker runs on the ${store.engine} engine, not SQLite`);
  return store.db;
}

/** Caps a durable broker's database file at `bytes` (either durable engine). */
export async function setDatabaseLimit(broker: TestBroker, bytes: number): Promise<void> {
  const store = broker.sqs.store;
  if (store instanceof LoggedStore) await store.setMaxDatabaseBytes(bytes);
  else setMaxDatabaseBytes(sqliteDb(broker), bytes);
}

/**
 * Opens the data directory `dir` on a durable engine, as a restart would (the SQLite engine through
 * `openStore`, which applies a journal the logged engine left before opening the database).
 */
export function reopen(dir: string, engine: 'logged' | 'sqlite'): Store {
  const asIs = (cause: unknown) => cause as Error;
  return engine === 'logged'
    ? LoggedStore.open({ dataDir: dir }, asIs)
    : openStore({ dataDir: dir, engine }, asIs);
}
