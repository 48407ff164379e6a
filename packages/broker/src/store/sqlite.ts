import type Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';
import type {
  FairStore,
  FifoStore,
  MessageStore,
  MoveTaskStore,
  PeekStore,
  QueueStore,
  SnsArchiveStore,
  SnsDeliveryStore,
  SnsTopicStore,
  Store,
  StoreEngine,
} from './contract.js';
import { type DatabaseOptions, openDatabase } from './database.js';
import { FairTable } from './fair.js';
import { FifoTable } from './fifo.js';
import { GroupCommit } from './group-commit.js';
import { MessageTable } from './messages.js';
import { MoveTaskTable } from './move-tasks.js';
import { PeekStatements } from './peek.js';
import { QueueTable } from './queues.js';
import { SQLITE_ENGINE_INDEXES } from './schema.js';
import { SnsArchiveTable } from './sns-archive.js';
import { SnsDeliveryTable } from './sns-deliveries.js';
import { SnsTopicTables } from './sns-topics.js';

/**
 * The durable engine: one SQLite database (WAL), its prepared statements, and the group commit
 * through which every write goes (a write resolves after the COMMIT that holds it returned).
 */
export class SqliteStore implements Store {
  readonly engine: StoreEngine;
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly fifo: FifoStore;
  readonly fair: FairStore;
  readonly moveTasks: MoveTaskStore;
  readonly snsTopics: SnsTopicStore;
  readonly snsDeliveries: SnsDeliveryStore;
  readonly snsArchive: SnsArchiveStore;
  readonly peek: PeekStore;
  private readonly commits: GroupCommit;
  private checkpointer: Checkpointer | undefined;

  private constructor(
    /** The SQLite connection (tests and tools of this engine only; the broker goes through the contract). */
    readonly db: Database.Database,
    commitError: (cause: unknown) => Error,
    inMemory: boolean,
  ) {
    this.engine = inMemory ? 'memory' : 'sqlite';
    this.queues = new QueueTable(db);
    this.messages = new MessageTable(db);
    this.fifo = new FifoTable(db);
    this.fair = new FairTable(db);
    this.moveTasks = new MoveTaskTable(db);
    this.snsTopics = new SnsTopicTables(db);
    this.snsDeliveries = new SnsDeliveryTable(db);
    this.snsArchive = new SnsArchiveTable(db);
    this.peek = new PeekStatements(db);
    this.commits = new GroupCommit(db, commitError);
  }

  /**
   * Opens the database described by `options` (creating or migrating it). `commitError` turns a
   * storage failure into the error the writes it affects reject with.
   */
  static open(options: DatabaseOptions, commitError: (cause: unknown) => Error): SqliteStore {
    const db = openDatabase(options);
    // (the logged engine drops them: see SQLITE_ENGINE_INDEXES)
    db.exec(SQLITE_ENGINE_INDEXES.create);
    const store = new SqliteStore(db, commitError, options.inMemory === true);
    if (!options.inMemory) store.checkpointer = Checkpointer.start(db, db.name);
    return store;
  }

  /** Runs `fn` as one atomic write; resolves after it is committed. */
  write<T>(fn: () => T): Promise<T> {
    return this.commits.write(fn);
  }

  afterCommit(fn: () => void): void {
    this.commits.afterCommit(fn);
  }

  onCommitTime(fn: (seconds: number) => void): void {
    this.commits.onCommitTime = fn;
  }

  /** Commits pending writes, stops the checkpointer and closes the database. */
  async close(): Promise<void> {
    this.commits.flush();
    await this.checkpointer?.stop();
    this.db.close();
  }
}
