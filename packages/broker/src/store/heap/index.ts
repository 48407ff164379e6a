import type { Store, StoreEngine } from '../contract.js';
import { HeapSnsArchive } from './archive.js';
import { HeapFair, HeapFifo } from './groups.js';
import { Journal } from './journal.js';
import { HeapData, HeapMessages, type MessageObserver } from './messages.js';
import { HeapMoveTasks, HeapPeek, HeapQueues, HeapSnsDeliveries, HeapSnsTopics } from './tables.js';

/**
 * The heap engine: the store in plain JS structures, for `--in-memory` and the test kit. Each queue
 * keeps a ready list (receivable messages, by visible_at then seq), a heap of waiting messages
 * (delayed or in flight, by when they become visible), its message groups as linked lists, and heaps
 * of FIFO groups by readiness and fair groups by (in flight, last served). Nothing survives the
 * process. A write runs at once and is undone whole if its function throws.
 */
export class HeapStore implements Store {
  readonly engine: StoreEngine = 'memory';
  readonly queues: HeapQueues;
  readonly messages: HeapMessages;
  readonly fifo: HeapFifo;
  readonly fair: HeapFair;
  readonly moveTasks: HeapMoveTasks;
  readonly snsTopics: HeapSnsTopics;
  readonly snsDeliveries: HeapSnsDeliveries;
  readonly snsArchive: HeapSnsArchive;
  readonly peek: HeapPeek;
  /** The messages by seq and the queues' states (recovery puts stored messages back through it). */
  readonly data: HeapData;
  private readonly journal = new Journal();
  private callbacks: Array<() => void> = [];
  /** Writes of this event-loop turn, answered together at its end (see {@link HeapStore.write}). */
  private answers: Array<{ resolve: (value: unknown) => void; value: unknown }> = [];
  private answering = false;
  private readonly answerAll = () => {
    this.answering = false;
    const answers = this.answers;
    this.answers = [];
    for (const a of answers) a.resolve(a.value);
  };

  /** `observer`: told every change to a stored message (the logged engine's log). */
  constructor(observer?: MessageObserver) {
    const data = new HeapData(this.journal, observer);
    this.data = data;
    this.queues = new HeapQueues(data);
    this.messages = new HeapMessages(data);
    this.fifo = new HeapFifo(data);
    this.fair = new HeapFair(data);
    this.moveTasks = new HeapMoveTasks(data);
    const deliveries = new HeapSnsDeliveries(this.journal);
    this.snsTopics = new HeapSnsTopics(this.journal);
    this.snsDeliveries = deliveries;
    this.snsArchive = new HeapSnsArchive(this.journal);
    this.peek = new HeapPeek(data, deliveries);
  }

  /** Whether a write is open (its function is running). */
  get writing(): boolean {
    return this.journal.active;
  }

  /**
   * Runs `fn` as one atomic change of the structures, outside the promise machinery: returns its value
   * and how to take the change back (latest last), or throws `fn`'s error with nothing changed.
   * Callbacks registered with {@link HeapStore.afterCommit} meanwhile are the caller's to run: they are
   * returned too. Not for use inside a write.
   */
  atomically<T>(fn: () => T): { value: T; undo: Array<() => void>; callbacks: Array<() => void> } {
    this.journal.begin();
    let value: T;
    try {
      value = fn();
    } catch (error) {
      this.journal.rollback();
      this.callbacks = [];
      throw error;
    }
    const undo = this.journal.commit();
    const callbacks = this.callbacks;
    this.callbacks = [];
    return { value, undo, callbacks };
  }

  write<T>(fn: () => T): Promise<T> {
    if (this.journal.active) {
      // a write inside a write joins it
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    let value: T;
    let callbacks: Array<() => void>;
    try {
      ({ value, callbacks } = this.atomically(fn));
    } catch (error) {
      return Promise.reject(error);
    }
    for (const cb of callbacks) cb();
    // The change is made and visible at once; its promise settles at the end of this event-loop turn
    // with every other write of the turn, as the SQLite engine's group commit answers. The replies of
    // one turn then leave together: answered one by one, as each request is read, every reply woke the
    // client on its own, and the write(2) of one SendMessage cost more than SQLite's INSERT
    // (docs/benchmarks.md, "Request path below the router").
    if (!this.answering) {
      this.answering = true;
      setImmediate(this.answerAll);
    }
    return new Promise<T>((resolve) => {
      this.answers.push({ resolve: resolve as (value: unknown) => void, value });
    });
  }

  afterCommit(fn: () => void): void {
    if (this.journal.active) this.callbacks.push(fn);
    else fn();
  }

  /** Never calls `fn`: a heap commit touches no storage (see {@link Store.onCommitTime}). */
  onCommitTime(_fn: (seconds: number) => void): void {}

  async close(): Promise<void> {
    this.callbacks = [];
    this.answerAll();
  }
}
