import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DatabaseOptions } from './options.js';
import { migrations, SCHEMA_VERSION } from './schema.js';

export type { DatabaseOptions } from './options.js';

/** SQLite result codes that mean the storage, not the request, is at fault. */
const STORAGE_FAILURES =
  /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM|NOLFS|PERM)/;

/** Whether `error` is SQLite reporting a storage failure (disk full, I/O error, lock, corruption). */
export function isStorageFailure(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_FAILURES.test(code);
}

/** What an operator should do about a storage failure while running. */
export function storageFailureAdvice(error: { code: string; message: string }): string {
  if (error.code.startsWith('SQLITE_FULL'))
    return 'The database is full (the disk, or the --max-database-bytes limit): nothing was stored. Free disk space, delete or purge messages, or raise --max-database-bytes, then retry.';
  if (error.code.startsWith('SQLITE_READONLY'))
    return "The database cannot be written (read-only file or file system): nothing was stored. Check the data directory's permissions and mount, then retry.";
  if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'))
    return 'The database is locked by another process: nothing was stored. Stop the other process, then retry.';
  return `The database failed (${error.code}): nothing was stored. See the broker log; if the file is damaged, stop the broker and restore a backup.`;
}

/**
 * Makes an error at open time say which file it is and how to recover, without a stack trace: a
 * corrupted file, a file locked by another process, an unreadable directory.
 */
function openFailure(file: string, error: unknown): Error {
  if (!isStorageFailure(error)) return error instanceof Error ? error : new Error(String(error));
  const what = `${error.message} (${error.code})`;
  let advice: string;
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(error.code))
    advice =
      'The file is not an SQLite database or is corrupted. Stop the broker, move the file aside (with its -wal and -shm files) and restore a backup, or start on an empty data directory.';
  else if (/^SQLITE_(BUSY|LOCKED)/.test(error.code))
    advice =
      'Another process holds a lock on the file (another broker on the same --data-dir?). Stop that process, then start again.';
  else if (error.code.startsWith('SQLITE_FULL')) advice = 'The disk is full. Free space, then start again.';
  else advice = 'Check that the data directory exists, is writable by this user and its disk has space.';
  return new Error(`Cannot open the broker database ${file}: ${what}. ${advice}`);
}

/** Opens (and creates or migrates) the broker database. */
export function openDatabase(options: DatabaseOptions): Database.Database {
  let file = ':memory:';
  if (!options.inMemory) {
    const dir = options.dataDir ?? '.mega';
    mkdirSync(dir, { recursive: true });
    file = join(dir, 'broker.db');
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    if (!options.inMemory) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.fsync ? 'FULL' : 'NORMAL'}`);
    }
    db.pragma('temp_store = MEMORY');
    // Page cache for the hot part of each queue's index, not the backlog (bodies stay on disk): 8 MiB
    // on a file held RSS with a 1M backlog at 137-139 MB where 16 MiB gave 144-148, at the same cycle
    // rate (two runs each, noisy: 177k / 120k vs 143k / 142k messages cycled in 15 s). In memory,
    // where every page is in memory anyway, 16 MiB as before (it cycled 228k vs 178k in one run each).
    db.pragma(`cache_size = ${options.inMemory ? -16384 : -8192}`);
    migrate(db);
    if (options.maxDatabaseBytes !== undefined) setMaxDatabaseBytes(db, options.maxDatabaseBytes);
    return db;
  } catch (error) {
    db?.close();
    throw openFailure(file, error);
  }
}

/**
 * Caps the database file at `bytes` (rounded down to whole pages, and never below its current size);
 * `Infinity` lifts the cap. Takes effect at once, on a running broker too.
 */
export function setMaxDatabaseBytes(db: Database.Database, bytes: number): void {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = Number.isFinite(bytes) ? Math.max(1, Math.floor(bytes / pageSize)) : 0xfffffffe;
  db.pragma(`max_page_count = ${pages}`);
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
