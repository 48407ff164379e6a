/** The messages between the logged engine's main thread and its log writer (`worker.ts`). */

/** To the log writer. Batch ids increase by one; `ops` are log records (`ops.ts`). */
export type ToWriter =
  | { t: 'batch'; id: number; ops: unknown[] }
  /** Batches after a failed one were dropped; take the next ones again. */
  | { t: 'resume' }
  /** Caps the database file at `bytes` (see `setMaxDatabaseBytes`). */
  | { t: 'limit'; id: number; bytes: number }
  /** Commit what arrived, stop, close the database. */
  | { t: 'close' };

/** From the log writer. */
export type ToMain =
  | { t: 'ready' }
  /** Every batch up to `id` is committed; the COMMIT took `seconds`. */
  | { t: 'ack'; id: number; seconds: number }
  /** The transaction holding the batches up to `id` failed: none of them is stored. */
  | { t: 'fail'; id: number; code: string | undefined; message: string }
  | { t: 'limited'; id: number }
  | { t: 'closed' };
