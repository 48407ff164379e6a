import type Database from 'better-sqlite3';
import { isStorageFailure } from './database.js';

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

/**
 * Group commit: every write of one event-loop turn runs inside a single SQLite transaction, each in
 * its own savepoint (so one failed action rolls back alone), and the whole group is committed once,
 * at the end of the turn. Callers get a promise that settles only after that COMMIT returned — a reply
 * sent then is durable — and callbacks registered with {@link GroupCommit.afterCommit} (waking long
 * polls, say) run only once the data they announce is committed.
 */
export class GroupCommit {
  private readonly savepoint: (fn: () => unknown) => unknown;
  private waiting: Waiting[] = [];
  private callbacks: Array<() => void> = [];
  private scheduled = false;
  /** Told the duration of each successful COMMIT, in seconds. Default: no one. */
  onCommitTime: ((seconds: number) => void) | undefined;

  constructor(
    private readonly db: Database.Database,
    /**
     * Turns a storage failure — a failed COMMIT, or a write refused by SQLite (disk full, I/O error)
     * — into the error the callers it affects receive.
     */
    private readonly commitError: (cause: unknown) => Error,
  ) {
    this.savepoint = db.transaction((fn: () => unknown) => fn());
  }

  /**
   * Runs `fn` now, inside the current group's transaction. Resolves with its result after the group
   * commits; rejects at once with `fn`'s error (its writes rolled back), or later if the COMMIT fails.
   */
  write<T>(fn: () => T): Promise<T> {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
    let value: unknown;
    try {
      value = this.savepoint(fn);
    } catch (error) {
      if (!this.db.inTransaction) {
        // SQLite rolled back the whole group (it may on a full disk or an I/O error): no write of
        // this turn was stored, so none may be acknowledged.
        const failure = this.commitError(error);
        const waiting = this.waiting;
        this.waiting = [];
        this.callbacks = [];
        for (const w of waiting) w.reject(failure);
        return Promise.reject(failure);
      }
      return Promise.reject(isStorageFailure(error) ? this.commitError(error) : error);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (v: unknown) => void, reject, value });
    });
  }

  /** Runs `fn` after the current group commits (at once when no group is open). */
  afterCommit(fn: () => void): void {
    if (this.db.inTransaction) this.callbacks.push(fn);
    else fn();
  }

  /** Commits the open group now (used before closing the database). */
  flush(): void {
    this.commit();
  }

  private commit(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    const callbacks = this.callbacks;
    this.waiting = [];
    this.callbacks = [];
    if (this.db.inTransaction) {
      const start = performance.now();
      try {
        this.db.exec('COMMIT');
      } catch (cause) {
        try {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        } catch {
          // the connection already rolled back
        }
        const error = this.commitError(cause);
        for (const w of waiting) w.reject(error);
        return;
      }
      this.onCommitTime?.((performance.now() - start) / 1000);
    }
    for (const w of waiting) w.resolve(w.value);
    for (const fn of callbacks) fn();
  }
}
