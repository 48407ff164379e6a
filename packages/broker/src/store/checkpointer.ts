import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints off the request path. In WAL mode each commit appends to the log, and a checkpoint
 * copies the log back into the database file. SQLite's automatic checkpoint runs inside a committing
 * writer — on the broker's event loop, costing more than the inserts themselves under load — so it is
 * turned off and a worker thread with its own connection checkpoints (PASSIVE: never blocking the
 * writer) every `intervalMs`. The log's file is kept to `journalSizeLimit` bytes when it is reset.
 */
export class Checkpointer {
  private constructor(private readonly worker: Worker) {}

  /** Starts checkpointing `file` (the main connection `db` stops auto-checkpointing). */
  static start(db: Database.Database, file: string, intervalMs = 200): Checkpointer | undefined {
    const require = createRequire(import.meta.url);
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: require.resolve('better-sqlite3'), file, intervalMs },
      });
    } catch {
      return undefined; // SQLite's own auto-checkpoint stays on
    }
    worker.unref();
    worker.on('error', () => db.pragma('wal_autocheckpoint = 1000'));
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('journal_size_limit = 67108864');
    return new Checkpointer(worker);
  }

  /** Stops the worker (the main connection checkpoints when it closes). */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 100');
setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ }
}, workerData.intervalMs);
`;
