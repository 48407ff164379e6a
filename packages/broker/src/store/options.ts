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
  /**
   * Largest size of the database file, in bytes (SQLite's `max_page_count`, per connection). A write
   * that would grow the file beyond fails with `SQLITE_FULL`, as on a full disk. Default no limit.
   */
  maxDatabaseBytes?: number;
  /**
   * Which durable engine keeps the data (ignored when `inMemory` is true):
   * - `sqlite`: every read and write runs in SQLite on the main thread, each write group-committed;
   * - `logged`: the heap engine holds the live state, each answered write is appended to a journal
   *   file, and SQLite, written on a worker thread, holds what the journal folds into (same
   *   guarantees for what is acknowledged; each standard queue's first 10,000 messages in memory: see
   *   docs/broker.md, "Storage engines").
   *
   * Default: the environment variable `MEGA_STORE_ENGINE` if set, else `sqlite`.
   */
  engine?: 'sqlite' | 'logged';
}
