import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations, SCHEMA_VERSION } from './schema.js';

/** Where and how to keep the broker's data. */
export interface DatabaseOptions {
  /** Directory holding `broker.db` (created if missing). Ignored when `inMemory` is true. */
  dataDir?: string;
  /** Keep everything in memory (lost on exit). Default false. */
  inMemory?: boolean;
  /**
   * fsync on every commit (`synchronous=FULL`): survives power loss, not only process crashes.
   * Default false (`synchronous=NORMAL` in WAL mode: an acknowledged write survives `kill -9`).
   */
  fsync?: boolean;
}

/** Opens (and creates or migrates) the broker database. */
export function openDatabase(options: DatabaseOptions): Database.Database {
  let file = ':memory:';
  if (!options.inMemory) {
    const dir = options.dataDir ?? '.mega';
    mkdirSync(dir, { recursive: true });
    file = join(dir, 'broker.db');
  }
  const db = new Database(file);
  if (!options.inMemory) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.fsync ? 'FULL' : 'NORMAL'}`);
  }
  db.pragma('temp_store = MEMORY');
  // 16 MiB of page cache: the hot part of each queue's index, not the backlog (bodies stay on disk).
  db.pragma('cache_size = -16384');
  migrate(db);
  return db;
}

/** Applies the migrations the database has not seen yet. Refuses a database from a newer version. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database has schema version ${current}, newer than this broker's ${SCHEMA_VERSION}: upgrade sqs-mega-broker.`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
