/** The messages between the logged engine's main thread and its log writer (`worker.ts`). */

import type { JournalPosition } from './journal.js';
import type { Records } from './ops.js';

/** To the log writer. Batch ids increase by one; `ops` are log records (`ops.ts`). */
export type ToWriter =
  /**
   * A window of journaled records, which reach the journal up to `to`: as `records`, or as the
   * payloads of its journal frames (transferred, when nothing of it cancels out).
   */
  | { t: 'batch'; id: number; records: Records; frames: ArrayBuffer[]; to: JournalPosition }
  /** Caps the database file at `bytes` (see `setMaxDatabaseBytes`), then retries what it holds. */
  | { t: 'limit'; id: number; bytes: number }
  /** Apply what arrived, stop, close the database. */
  | { t: 'close' };

/** From the log writer. */
export type ToMain =
  | { t: 'ready' }
  /** Every batch up to `id` is applied; the COMMIT took `seconds`. */
  | { t: 'ack'; id: number; seconds: number }
  /** Applying the batches sent so far failed: they are held, to retry. */
  | { t: 'fail'; code: string | undefined; message: string }
  | { t: 'limited'; id: number }
  /** Closed; `applied`: the journal position SQLite holds everything up to (none if it failed). */
  | { t: 'closed'; applied: JournalPosition | undefined };
