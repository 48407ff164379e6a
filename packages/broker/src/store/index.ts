import type { Store } from './contract.js';
import { HeapStore } from './heap/index.js';
import { LoggedStore } from './logged/index.js';
import type { DatabaseOptions } from './options.js';
import { SqliteStore } from './sqlite.js';

export type * from './contract.js';
export type { DatabaseOptions } from './options.js';

/**
 * Opens the store `options` describe: the heap engine when `inMemory` is true (nothing survives the
 * process), else the durable SQLite engine on `dataDir`. `commitError` turns a storage failure into
 * the error the writes it affects reject with (the heap engine has none). The durable engine is
 * `options.engine` (see {@link DatabaseOptions.engine}).
 */
export function openStore(options: DatabaseOptions, commitError: (cause: unknown) => Error): Store {
  if (options.inMemory) return new HeapStore();
  const engine = options.engine ?? process.env.MEGA_STORE_ENGINE ?? 'sqlite';
  if (engine === 'logged') return LoggedStore.open(options, commitError);
  if (engine !== 'sqlite')
    throw new Error(
      `Unknown store engine ${JSON.stringify(engine)}: use sqlite or logged (MEGA_STORE_ENGINE).`,
    );
  return SqliteStore.open(options, commitError);
}
