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
import { SQLITE_ENGINE_INDEXES } from '../schema.js';
import { LogCommits, WINDOW_MS } from './commits.js';
import { LogJournal } from './journal.js';
import { DELIVERY, QUEUE, Recorder, recorded } from './ops.js';
import { recoverJournal } from './recover.js';
import { restore } from './restore.js';
import { DEFAULT_SPILL, Spill, type SpillLimits, spillingMessages, spillingMoveTasks } from './spill.js';
import { LogWriter } from './writer.js';

/** How long a message's new delivery state may wait before it is logged, in ms. */
const STATE_DELAY_MS = 200;

/**
 * The logged engine, durable: the heap engine is the live state (every read and every change runs on
 * its structures, on the main thread), a journal file makes each answered write durable, and SQLite,
 * written on a worker thread, holds the state the journal is folded into. Each write's changes are
 * recorded as it runs (`ops.ts`); the records of one event-loop turn are appended to the journal as
 * one frame before the turn's writes are answered (so `kill -9` loses nothing acknowledged and brings
 * back nothing deleted), and go to SQLite a window of {@link WINDOW_MS} at a time, where a message
 * stored and deleted within the window is never written (`commits.ts`). Delivery state (a receive's
 * visibility, receive count, receipt) is recorded within {@link STATE_DELAY_MS}, as it is then: after
 * a crash, a message may come back early, never be lost. Each standard queue past 10,000 messages
 * keeps the rest on disk only (`spill.ts`). If a journal write fails, the turn's writes are undone on
 * the heap, latest first, and reject with the failure. At start, what the journal holds beyond SQLite
 * is applied to it (`recover.ts`), then the database is loaded into the heap (`restore.ts`).
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
  private readonly journal: LogJournal;
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
    // its messages are read from the heap: the log writer keeps only their primary key up to date
    db.exec(SQLITE_ENGINE_INDEXES.drop);
    const dir = options.dataDir ?? '.mega';
    let last: number;
    try {
      last = recoverJournal(dir, db);
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
    // a FIFO send's counter reservation, deduplication entry and group join, and the group rows each
    // receive and delete sets, are records of their own (`ops.ts`), not calls with argument arrays
    queues.nextSequence = (id, count = 1) => {
      const first = heap.queues.nextSequence(id, count);
      r.reserved(id, first, count);
      return first;
    };
    const fifo = recorded('fifo', heap.fifo, r);
    fifo.putDedup = (queueId, scope, dedupId, entry) => {
      heap.fifo.putDedup(queueId, scope, dedupId, entry);
      r.dedup(queueId, scope, dedupId, entry);
    };
    fifo.addGroup = (queueId, groupId, readyAt, headSeq) => {
      heap.fifo.addGroup(queueId, groupId, readyAt, headSeq);
      r.joined(queueId, groupId, readyAt, headSeq);
    };
    fifo.setGroup = (queueId, groupId, readyAt, headSeq) => {
      heap.fifo.setGroup(queueId, groupId, readyAt, headSeq);
      r.group(queueId, groupId, readyAt, headSeq);
    };
    fifo.deleteGroup = (queueId, groupId) => {
      heap.fifo.deleteGroup(queueId, groupId);
      r.ungrouped(queueId, groupId);
    };
    this.queues = queues;
    this.snsDeliveries = deliveries;
    this.messages = spillingMessages(heap.messages, spill);
    this.fifo = fifo;
    this.fair = recorded('fair', heap.fair, r);
    this.moveTasks = spillingMoveTasks(recorded('moveTasks', heap.moveTasks, r), spill);
    this.snsTopics = recorded('snsTopics', heap.snsTopics, r);
    this.snsArchive = recorded('snsArchive', heap.snsArchive, r);
    this.peek = heap.peek;

    this.writer = new LogWriter(options);
    this.journal = new LogJournal(dir, last, options.fsync);
    const commits = new LogCommits(this.journal, this.writer, () => heap.data.lastSeq, commitError);
    const tails = spill;
    commits.onApplied = (seq) => tails.applied(seq);
    tails.journaled = () => commits.journaledSeq;
    this.commits = commits;
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
      // a failed journal write is reported to the writes that wait for it; this one waits for nothing
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
    const { ops, stores } = this.recorder.end();
    return this.commits.add<T>(
      { undo: done.undo, callbacks: done.callbacks, stores, value: done.value },
      ops,
    );
  }

  afterCommit(fn: () => void): void {
    if (this.heap.writing) {
      this.heap.afterCommit(fn);
      return;
    }
    const last = this.commits.latest();
    if (last) last.callbacks.push(fn);
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

  /**
   * Journals what is pending and applies it, then stops the log writer (which closes the database) and
   * deletes the journal, which SQLite then holds all of (it stays if SQLite could not apply it: the
   * next start does).
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.statesTimer);
      this.writeStates();
      const end = this.commits.drain();
      const applied = await this.writer.close();
      this.journal.close(
        end === undefined || (applied?.segment === end.segment && applied.offset === end.offset),
      );
      this.reader.close();
    })();
    return this.closed;
  }
}
