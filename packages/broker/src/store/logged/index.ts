import type Database from 'better-sqlite3';
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
} from '../contract.js';
import { type DatabaseOptions, openDatabase } from '../database.js';
import { HeapStore } from '../heap/index.js';
import { LogCommits } from './commits.js';
import { DELIVERY, QUEUE, Recorder, recorded } from './ops.js';
import { restore } from './restore.js';
import { DEFAULT_SPILL, Spill, type SpillLimits, spillingMessages, spillingMoveTasks } from './spill.js';
import { LogWriter } from './writer.js';

/** How long a message's new delivery state may wait before it is logged, in ms. */
const STATE_DELAY_MS = 200;

/**
 * The logged engine, durable: the heap engine is the live state (every read and every change runs on
 * its structures, on the main thread), and SQLite is its log, written on a worker thread. Each write's
 * changes are recorded as it runs (`ops.ts`); the records of one event-loop turn go to the log writer
 * as one batch, which commits whatever batches have arrived in one transaction. A write that stores
 * or deletes anything resolves only once its batch is committed (so `kill -9` loses nothing
 * acknowledged and brings back nothing deleted); a write that only changes delivery state (a receive)
 * resolves at the end of its turn, and that state is logged within {@link STATE_DELAY_MS}, as it is
 * then. Each standard queue past 10,000 messages keeps the rest on disk only (`spill.ts`). If a commit fails, every write not yet committed is undone on the
 * heap, latest first, and those waiting reject with the failure. At start, the database is loaded into
 * the heap (`restore.ts`).
 */
export class LoggedStore implements Store {
  readonly engine: StoreEngine = 'logged';
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly fifo: FifoStore;
  readonly fair: FairStore;
  readonly moveTasks: MoveTaskStore;
  readonly snsTopics: SnsTopicStore;
  readonly snsDeliveries: SnsDeliveryStore;
  readonly snsArchive: SnsArchiveStore;
  readonly peek: PeekStore;
  private readonly heap: HeapStore;
  private readonly recorder = new Recorder();
  private readonly writer: LogWriter;
  private readonly commits: LogCommits;
  /** The main thread's connection: read at start, then to read disk-only tails back (see `spill.ts`). */
  private readonly reader: Database.Database;
  private closed: Promise<void> | undefined;
  private readonly statesTimer: NodeJS.Timeout;

  private constructor(options: DatabaseOptions, commitError: (cause: unknown) => Error, limits: SpillLimits) {
    const r = this.recorder;
    let spill: Spill | undefined;
    const heap = new HeapStore({
      put: (m) => r.put(m),
      removed: (m) => {
        r.removed(m);
        spill?.removed(m);
      },
      changed: (m) => r.changed(m),
    });
    this.heap = heap;
    const db = openDatabase(options);
    // it reads tails back a chunk at a time, in seq order: a small page cache does
    db.pragma('cache_size = -2048');
    try {
      spill = new Spill(heap, this.recorder, db, limits);
      restore(db, heap, spill);
    } catch (error) {
      db.close();
      throw error;
    }
    this.reader = db;
    const queues = recorded('queues', heap.queues, r);
    queues.insert = (row) => {
      const id = heap.queues.insert(row);
      r.inserted(QUEUE, id, row);
      return id;
    };
    const deliveries = recorded('snsDeliveries', heap.snsDeliveries, r);
    deliveries.insert = (row) => {
      const id = heap.snsDeliveries.insert(row);
      r.inserted(DELIVERY, id, row);
      return id;
    };
    this.queues = queues;
    this.snsDeliveries = deliveries;
    this.messages = spillingMessages(heap.messages, spill);
    this.fifo = recorded('fifo', heap.fifo, r);
    this.fair = recorded('fair', heap.fair, r);
    this.moveTasks = spillingMoveTasks(recorded('moveTasks', heap.moveTasks, r), spill);
    this.snsTopics = recorded('snsTopics', heap.snsTopics, r);
    this.snsArchive = recorded('snsArchive', heap.snsArchive, r);
    this.peek = heap.peek;

    this.writer = new LogWriter(options);
    this.commits = new LogCommits(this.writer, () => heap.data.lastSeq, commitError);
    this.writer.onStopped = (error) => this.commits.stopped(error);
    this.statesTimer = setInterval(() => this.writeStates(), STATE_DELAY_MS);
    this.statesTimer.unref();
  }

  /**
   * Logs the delivery state of the messages received or made visible since the last time (visibility,
   * receive count, receipt), as one write that changes delivery state only. A crash loses at most the
   * last {@link STATE_DELAY_MS} of them: those messages come back visible early, none is lost.
   */
  private writeStates(): void {
    if (!this.recorder.statesPending) return;
    void this.write(() => this.recorder.flushStates((seq) => this.heap.data.bySeq.has(seq))).catch(() => {
      // a failed commit is reported to the writes that wait for it; this one waits for nothing
    });
  }

  /**
   * Opens the database `options` describe (creating or migrating it), loads it into the heap and
   * starts the log writer. `commitError` turns a storage failure into the error writes reject with;
   * `limits`, how much of each standard queue the heap holds (see {@link SpillLimits}).
   */
  static open(
    options: DatabaseOptions,
    commitError: (cause: unknown) => Error,
    limits: SpillLimits = DEFAULT_SPILL,
  ): LoggedStore {
    return new LoggedStore(options, commitError, limits);
  }

  write<T>(fn: () => T): Promise<T> {
    if (this.heap.writing) return this.heap.write(fn); // a write inside a write joins it
    this.recorder.begin();
    let done: ReturnType<HeapStore['atomically']>;
    try {
      done = this.heap.atomically(fn);
    } catch (error) {
      this.recorder.end();
      return Promise.reject(error);
    }
    const { ops, lazy, touched } = this.recorder.end();
    return this.commits.add<T>(
      { undo: done.undo, callbacks: done.callbacks, lazy, touched, value: done.value },
      ops,
    );
  }

  afterCommit(fn: () => void): void {
    if (this.heap.writing) {
      this.heap.afterCommit(fn);
      return;
    }
    const last = this.commits.latest();
    if (last && !last.lazy) last.callbacks.push(fn);
    else fn();
  }

  onCommitTime(fn: (seconds: number) => void): void {
    this.writer.onCommitTime = fn;
  }

  busy(): Promise<void> | undefined {
    return this.commits.busy();
  }

  /** Caps the database file at `bytes` (`Infinity`: no cap); resolves once the log writer applied it. */
  setMaxDatabaseBytes(bytes: number): Promise<void> {
    return this.writer.limit(bytes);
  }

  /** Commits what is pending, then stops the log writer (which closes the database). */
  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.statesTimer);
      this.writeStates();
      this.commits.drain();
      await this.writer.close();
      this.reader.close();
    })();
    return this.closed;
  }
}
