import type Database from 'better-sqlite3';
import { type DatabaseOptions, openDatabase } from './database.js';
import { FairTable } from './fair.js';
import { FifoTable } from './fifo.js';
import { GroupCommit } from './group-commit.js';
import { MessageTable } from './messages.js';
import { QueueTable } from './queues.js';

export type { DatabaseOptions } from './database.js';
export type { DedupRow } from './fifo.js';
export type { MessageCounts, MessageRow, NewMessage } from './messages.js';
export type { QueueRow } from './queues.js';

/**
 * The single source of truth: one SQLite database, its prepared statements, and the group commit
 * through which every write goes.
 */
export class Store {
  readonly queues: QueueTable;
  readonly messages: MessageTable;
  readonly fifo: FifoTable;
  readonly fair: FairTable;
  readonly commits: GroupCommit;

  constructor(
    readonly db: Database.Database,
    commitError: (cause: unknown) => Error,
  ) {
    this.queues = new QueueTable(db);
    this.messages = new MessageTable(db);
    this.fifo = new FifoTable(db);
    this.fair = new FairTable(db);
    this.commits = new GroupCommit(db, commitError);
  }

  /** Opens the database described by `options` (creating or migrating it). */
  static open(options: DatabaseOptions, commitError: (cause: unknown) => Error): Store {
    return new Store(openDatabase(options), commitError);
  }

  /** Runs `fn` as one atomic write; resolves after it is committed. */
  write<T>(fn: () => T): Promise<T> {
    return this.commits.write(fn);
  }

  /** Commits pending writes and closes the database. */
  close(): void {
    this.commits.flush();
    this.db.close();
  }
}
