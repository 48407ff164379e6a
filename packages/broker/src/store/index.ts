import { existsSync } from 'node:fs';
import type { Store } from './contract.js';
import { openDatabase } from './database.js';
import { HeapStore } from './heap/index.js';
import { LoggedStore } from './logged/index.js';
import { segments } from './logged/journal.js';
import { recoverJournal } from './logged/recover.js';
import { DEFAULT_SPILL, type SpillLimits } from './logged/spill.js';
import type { DatabaseOptions } from './options.js';
import { SqliteStore } from './sqlite.js';

export type * from './contract.js';
export type { DatabaseOptions } from './options.js';

/**
 * How much of each standard queue the logged engine holds in memory: its default, or
 * `MEGA_STORE_SPILL_CAP` messages (a test knob: the broker's suites run with a tiny cap to go through
 * the disk-only tails).
 */
function spillLimits(): SpillLimits {
  const cap = Number(process.env.MEGA_STORE_SPILL_CAP);
  if (!Number.isInteger(cap) || cap < 1) return DEFAULT_SPILL;
  return { cap, chunk: Math.max(1, Math.floor(cap / 10)) };
}

/**
 * Opens the store `options` describe: the heap engine when `inMemory` is true (nothing survives the
 * process), else the durable SQLite engine on `dataDir`. `commitError` turns a storage failure into
 * the error the writes it affects reject with (the heap engine has none). The durable engine is
 * `options.engine` (see {@link DatabaseOptions.engine}).
 */
export function openStore(options: DatabaseOptions, commitError: (cause: unknown) => Error): Store {
  if (options.inMemory) return new HeapStore();
  const engine = options.engine ?? process.env.MEGA_STORE_ENGINE ?? 'sqlite';
  if (engine === 'logged') return LoggedStore.open(options, commitError, spillLimits());
  if (engine !== 'sqlite')
    throw new Error(
      `Unknown store engine ${JSON.stringify(engine)}: use sqlite or logged (MEGA_STORE_ENGINE).`,
    );
  recoverLoggedJournal(options);
  return SqliteStore.open(options, commitError);
}

/**
 * Applies a journal the logged engine left in the data directory (it stopped without applying it all)
 * before the SQLite engine opens the database, so that no write it answered is missing.
 */
function recoverLoggedJournal(options: DatabaseOptions): void {
  const dir = options.dataDir ?? '.mega';
  if (!existsSync(dir) || segments(dir).length === 0) return;
  const db = openDatabase({ ...options, maxDatabaseBytes: undefined });
  try {
    recoverJournal(dir, db);
  } finally {
    db.close();
  }
}
