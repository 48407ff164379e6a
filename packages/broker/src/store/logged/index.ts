import { extname } from 'node:path';
import { MessageChannel, type MessagePort, type Transferable, Worker } from 'node:worker_threads';
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
import { undoAll } from '../heap/journal.js';
import { DELIVERY, QUEUE, Recorder, recorded } from './ops.js';
import type { ToMain, ToWriter } from './protocol.js';
import { restore } from './restore.js';

/** A write made on the heap and not yet committed by the log writer. */
interface Unacked {
  undo: Array<() => void>;
  callbacks: Array<() => void>;
  /**
   * Answered at the end of its turn, not after the commit: it changes delivery state only, of
   * messages whose own store is committed.
   */
  lazy: boolean;
  /** The largest seq whose delivery state the write changed. */
  touched: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

/**
 * The logged engine, durable: the heap engine is the live state (every read and every change runs on
 * its structures, on the main thread), and SQLite is its log, written on a worker thread. Each write's
 * changes are recorded as it runs (`ops.ts`); the records of one event-loop turn go to the log writer
 * as one batch, which commits whatever batches have arrived in one transaction. A write that stores
 * or deletes anything resolves only once its batch is committed (so `kill -9` loses nothing
 * acknowledged and brings back nothing deleted); a write that only changes delivery state (a receive)
 * resolves at the end of its turn. If a commit fails, every write not yet committed is undone on the
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
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Writes of this turn, posted as batch `nextBatch` at its end. */
  private pending: Unacked[] = [];
  private pendingOps: unknown[] = [];
  private scheduled = false;
  /** Posted batches not yet committed, by id, in order, with the last seq stored when each was posted. */
  private readonly inflight = new Map<number, { writes: Unacked[]; lastSeq: number }>();
  /** Every message up to this seq has its store committed. */
  private durableSeq: number;
  private nextBatch = 1;
  private nextRequest = 1;
  private readonly requests = new Map<number, () => void>();
  /** Called once no write is pending or in flight ({@link LoggedStore.busy}). */
  private idleWaiters: Array<() => void> = [];
  private commitTime: ((seconds: number) => void) | undefined;
  /** Set when the log writer stopped: every write rejects with it. */
  private broken: Error | undefined;
  private closed: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  private constructor(
    options: DatabaseOptions,
    private readonly commitError: (cause: unknown) => Error,
  ) {
    const heap = new HeapStore(this.recorder);
    this.heap = heap;
    const db = openDatabase(options);
    try {
      restore(db, heap);
    } finally {
      db.close();
    }
    this.durableSeq = heap.data.lastSeq;
    const r = this.recorder;
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
    this.messages = heap.messages;
    this.fifo = recorded('fifo', heap.fifo, r);
    this.fair = recorded('fair', heap.fair, r);
    this.moveTasks = recorded('moveTasks', heap.moveTasks, r);
    this.snsTopics = recorded('snsTopics', heap.snsTopics, r);
    this.snsArchive = recorded('snsArchive', heap.snsArchive, r);
    this.peek = heap.peek;

    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startWriter({ options: databaseOptions(options), port: port2 }, [port2]);
    this.worker.unref();
    this.port.unref();
    this.port.on('message', (m: ToMain) => this.received(m));
    this.worker.on('error', (error) => this.stopped(error));
    this.worker.on('exit', (code) => this.stopped(new Error(`the log writer exited (code ${code})`)));
  }

  /**
   * Opens the database `options` describe (creating or migrating it), loads it into the heap and
   * starts the log writer. `commitError` turns a storage failure into the error writes reject with.
   */
  static open(options: DatabaseOptions, commitError: (cause: unknown) => Error): LoggedStore {
    return new LoggedStore(options, commitError);
  }

  write<T>(fn: () => T): Promise<T> {
    if (this.heap.writing) return this.heap.write(fn); // a write inside a write joins it
    if (this.broken) return Promise.reject(this.broken);
    this.recorder.begin();
    let done: ReturnType<HeapStore['atomically']>;
    try {
      done = this.heap.atomically(fn);
    } catch (error) {
      this.recorder.end();
      return Promise.reject(error);
    }
    const { ops, lazy, touched } = this.recorder.end();
    for (const op of ops) this.pendingOps.push(op);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        undo: done.undo,
        callbacks: done.callbacks,
        lazy,
        touched,
        resolve: resolve as (value: unknown) => void,
        reject,
        value: done.value,
      });
    });
  }

  afterCommit(fn: () => void): void {
    if (this.heap.writing) {
      this.heap.afterCommit(fn);
      return;
    }
    const last = this.pending.at(-1) ?? [...this.inflight.values()].at(-1)?.writes.at(-1);
    if (last && !last.lazy) last.callbacks.push(fn);
    else fn();
  }

  onCommitTime(fn: (seconds: number) => void): void {
    this.commitTime = fn;
  }

  busy(): Promise<void> | undefined {
    if (this.pending.length === 0 && this.inflight.size === 0) return undefined;
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Caps the database file at `bytes` (`Infinity`: no cap); resolves once the log writer applied it. */
  setMaxDatabaseBytes(bytes: number): Promise<void> {
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      this.requests.set(id, resolve);
      this.post({ t: 'limit', id, bytes });
    });
  }

  /** Commits what is pending, then stops the log writer (which closes the database). */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.flush();
      this.onClosed = resolve;
      this.post({ t: 'close' });
      if (this.broken) resolve();
    });
    return this.closed;
  }

  /** Posts this turn's writes as one batch; answers those of them that need no commit. */
  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const writes = this.pending;
    const ops = this.pendingOps;
    this.pending = [];
    this.pendingOps = [];
    if (this.broken) {
      this.fail(writes, this.broken);
      return;
    }
    if (ops.length === 0 && this.inflight.size === 0) {
      for (const w of writes) this.answer(w);
      this.wakeIdle();
      return;
    }
    const id = this.nextBatch++;
    this.inflight.set(id, { writes, lastSeq: this.heap.data.lastSeq });
    this.post({ t: 'batch', id, ops });
    for (const w of writes) {
      if (!w.lazy) continue;
      if (w.touched <= this.durableSeq) this.answer(w);
      else w.lazy = false; // it received a message whose send is not committed yet: wait for it
    }
  };

  private post(message: ToWriter): void {
    this.port.ref(); // an answer is due: keep the process up until it comes
    this.port.postMessage(message);
  }

  private received(m: ToMain): void {
    switch (m.t) {
      case 'ack':
        for (const [id, batch] of this.inflight) {
          if (id > m.id) break;
          this.inflight.delete(id);
          this.durableSeq = batch.lastSeq;
          for (const w of batch.writes) {
            if (!w.lazy) this.answer(w);
          }
        }
        this.commitTime?.(m.seconds);
        break;
      case 'fail': {
        const cause = Object.assign(new Error(m.message), { code: m.code });
        this.undoUnacked(() => this.commitError(cause));
        this.post({ t: 'resume' });
        break;
      }
      case 'limited':
        this.requests.get(m.id)?.();
        this.requests.delete(m.id);
        break;
      case 'closed':
        this.onClosed?.();
        break;
      case 'ready':
        break;
    }
    if (this.inflight.size === 0 && this.requests.size === 0 && !this.closed) this.port.unref();
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.pending.length > 0 || this.inflight.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of waiters) fn();
  }

  /**
   * Takes back every write not committed, latest first; then rejects those still waiting with the
   * error `failure` makes (after the undo: it may read the store back, as the broker's reloads do).
   */
  private undoUnacked(failure: () => Error): void {
    const writes = [...[...this.inflight.values()].flatMap((b) => b.writes), ...this.pending];
    this.inflight.clear();
    this.pending = [];
    this.pendingOps = [];
    for (let i = writes.length - 1; i >= 0; i--) undoAll((writes[i] as Unacked).undo);
    this.fail(writes, failure());
    this.wakeIdle();
  }

  private fail(writes: Unacked[], error: Error): void {
    for (const w of writes) {
      if (!w.lazy) w.reject(error);
    }
  }

  private answer(w: Unacked): void {
    w.resolve(w.value);
    for (const fn of w.callbacks) fn();
  }

  /** The log writer stopped (crashed, or closed): nothing more can be committed. */
  private stopped(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    if (this.closed) {
      this.onClosed?.();
      return;
    }
    this.undoUnacked(() => this.commitError(error));
  }
}

/** The fields of `options` the log writer needs (the broker passes its whole options object). */
function databaseOptions(options: DatabaseOptions): DatabaseOptions {
  const { dataDir, fsync, maxDatabaseBytes } = options;
  return { dataDir, fsync, maxDatabaseBytes };
}

/**
 * Starts the log writer (`worker.js` beside this file). Run from the TypeScript sources (the tests,
 * the benches), the worker registers tsx first: Node 20 workers do not inherit the `--import tsx`
 * loader of the main thread.
 */
function startWriter(workerData: unknown, transferList: Transferable[]): Worker {
  const ext = extname(new URL(import.meta.url).pathname);
  const entry = new URL(`./worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(entry, { workerData, transferList });
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(source, { eval: true, workerData, transferList });
}
