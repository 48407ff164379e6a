import type Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';
import { type DatabaseOptions, openDatabase } from './database.js';
import { FairTable } from './fair.js';
import { FifoTable } from './fifo.js';
import { GroupCommit } from './group-commit.js';
import { MessageTable } from './messages.js';
import { MoveTaskTable } from './move-tasks.js';
import { QueueTable } from './queues.js';

export type { DatabaseOptions } from './database.js';
export type { DedupRow } from './fifo.js';
export type { MessageCounts, MessageRow, NewMessage } from './messages.js';
export type { MoveTaskRow, MoveTaskStatus } from './move-tasks.js';
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
  readonly moveTasks: MoveTaskTable;
  readonly commits: GroupCommit;

  constructor(
    readonly db: Database.Database,
    commitError: (cause: unknown) => Error,
  ) {
    this.queues = new QueueTable(db);
    this.messages = new MessageTable(db);
    this.fifo = new FifoTable(db);
    this.fair = new FairTable(db);
    this.moveTasks = new MoveTaskTable(db);
    this.commits = new GroupCommit(db, commitError);
  }

  private checkpointer: Checkpointer | undefined;

  /** Opens the database described by `options` (creating or migrating it). */
  static open(options: DatabaseOptions, commitError: (cause: unknown) => Error): Store {
    const db = openDatabase(options);
    const store = new Store(db, commitError);
    if (!options.inMemory) store.checkpointer = Checkpointer.start(db, db.name);
    return store;
  }

  /** Runs `fn` as one atomic write; resolves after it is committed. */
  write<T>(fn: () => T): Promise<T> {
    return this.commits.write(fn);
  }

  /** Commits pending writes, stops the checkpointer and closes the database. */
  async close(): Promise<void> {
    this.commits.flush();
    await this.checkpointer?.stop();
    this.db.close();
  }
}
