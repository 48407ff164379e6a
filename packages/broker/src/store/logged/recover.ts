import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { LogApplier } from './apply.js';
import { deleteJournal, type JournalPosition, readJournal, segments } from './journal.js';

/** Where the journal in `db`'s log_position table says SQLite is applied up to (the start: none). */
function appliedPosition(db: Database.Database): JournalPosition {
  const row = db.prepare('SELECT segment, offset FROM log_position WHERE id = 1').get() as
    | JournalPosition
    | undefined;
  return row ?? { segment: 0, offset: 0 };
}

/**
 * Applies to `db` whatever the logged engine's journal in `dir` holds beyond what SQLite applied (the
 * writes answered before a crash, not yet in SQLite), in one transaction, then deletes the journal.
 * Either engine runs it at start, so a data directory moves between them in any state. Returns the
 * number of the last journal segment seen, after which a new journal starts.
 */
export function recoverJournal(dir: string, db: Database.Database): number {
  const from = appliedPosition(db);
  if (!existsSync(dir) || segments(dir).length === 0) return from.segment;
  const tail = readJournal(dir, from);
  if (tail.records.length > 0) new LogApplier(db).apply(tail.records, tail.end);
  deleteJournal(dir);
  return Math.max(tail.last, from.segment);
}
