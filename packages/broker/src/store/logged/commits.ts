import { undoAll } from '../heap/journal.js';
import type { LogWriter } from './writer.js';

/** A write made on the heap and not yet committed by the log writer. */
export interface Unacked {
  /** How to take the write back from the heap (latest last). */
  undo: Array<() => void>;
  /** Run once the write is answered (what `afterCommit` registered during it, and after). */
  callbacks: Array<() => void>;
  /**
   * It changes delivery state only (a receive): answered at the end of its turn, not after the
   * commit, unless it changed a message whose store is not committed yet (`touched`).
   */
  lazy: boolean;
  /** The largest seq whose delivery state the write changed (0: none). */
  touched: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

interface Batch {
  /** Given by the log writer when sent. */
  id: number;
  writes: Unacked[];
  /** The heap's last seq when the batch was closed: every message up to it is stored by then. */
  lastSeq: number;
}

/**
 * The logged engine's group commit, on the main thread. The writes of one event-loop turn join the
 * batch being gathered; at the end of the turn the batch goes to the log writer unless one is being
 * committed already, in which case it keeps gathering until that one is acknowledged (one batch in
 * flight at a time: fewer, larger posts and transactions). Writes resolve when their batch is
 * acknowledged, lazy ones at the end of their turn.
 */
export class LogCommits {
  /** Writes of the current turn. */
  private turn: Unacked[] = [];
  /**
   * The records of every write not yet sent, in order: the gathering batch's, then the turn's. Sent
   * together, so a write of the turn may have its records in the batch before its own; it is then
   * answered a batch later, never early.
   */
  private unsent: unknown[] = [];
  private scheduled = false;
  /** The batch gathering, and those sent and not yet acknowledged (one but while closing), in order. */
  private gathering: Batch | undefined;
  private inflight: Batch[] = [];
  /** Every message up to this seq has its store committed. */
  private durableSeq: number;
  private idleWaiters: Array<() => void> = [];
  /** Set when the log writer stopped: every write rejects with it. */
  private broken: Error | undefined;

  constructor(
    private readonly writer: LogWriter,
    /** The heap's last seq now. */
    private readonly lastSeq: () => number,
    /** The error the writes of a failed commit reject with; called after they are undone. */
    private readonly failure: (cause: unknown) => Error,
  ) {
    this.durableSeq = lastSeq();
    writer.onAck = (id) => this.acked(id);
    writer.onFail = (cause) => this.failed(cause);
  }

  /** Takes a write just made on the heap; returns its promise. */
  add<T>(write: Omit<Unacked, 'resolve' | 'reject'>, ops: readonly unknown[]): Promise<T> {
    if (this.broken) {
      undoAll(write.undo);
      return Promise.reject(this.broken);
    }
    for (const op of ops) this.unsent.push(op);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.endTurn);
    }
    return new Promise<T>((resolve, reject) => {
      this.turn.push({ ...write, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** The latest write not answered yet, if any (`afterCommit` outside a write waits for it). */
  latest(): Unacked | undefined {
    return this.turn.at(-1) ?? this.gathering?.writes.at(-1) ?? this.inflight.at(-1)?.writes.at(-1);
  }

  /** A promise while anything is not committed; undefined when all is. */
  busy(): Promise<void> | undefined {
    if (this.idle()) return undefined;
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the turn now and sends what gathered, even while a batch is in flight (before closing). */
  drain(): void {
    this.endTurn();
    this.send(true);
  }

  /** The log writer stopped: what is not committed is undone and rejects; later writes reject at once. */
  stopped(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    this.undoAll(this.failure(error));
  }

  private idle(): boolean {
    return this.turn.length === 0 && this.gathering === undefined && this.inflight.length === 0;
  }

  private readonly endTurn = (): void => {
    this.scheduled = false;
    if (this.turn.length === 0) return;
    const writes = this.turn;
    this.turn = [];
    if (this.unsent.length === 0 && this.gathering === undefined && this.inflight.length === 0) {
      for (const w of writes) answer(w); // nothing to store, nothing to wait for
      this.wakeIdle();
      return;
    }
    for (const w of writes) {
      if (!w.lazy) continue;
      if (w.touched <= this.durableSeq) answer(w);
      else w.lazy = false; // it received a message whose send is not committed yet: wait for it
    }
    this.gathering ??= { id: 0, writes: [], lastSeq: 0 };
    const batch = this.gathering;
    for (const w of writes) batch.writes.push(w);
    batch.lastSeq = this.lastSeq();
    this.send(false);
  };

  private send(evenIfBusy: boolean): void {
    if (this.gathering === undefined || (this.inflight.length > 0 && !evenIfBusy)) return;
    const batch = this.gathering;
    this.gathering = undefined;
    batch.id = this.writer.send(this.unsent);
    this.unsent = [];
    this.inflight.push(batch);
  }

  /** Every batch up to `id` is committed. */
  private acked(id: number): void {
    while (this.inflight.length > 0 && (this.inflight[0] as Batch).id <= id) {
      const batch = this.inflight.shift() as Batch;
      this.durableSeq = batch.lastSeq;
      for (const w of batch.writes) {
        if (!w.lazy) answer(w);
      }
    }
    this.send(false);
    this.wakeIdle();
  }

  private failed(cause: unknown): void {
    this.undoAll(undefined, cause);
    this.writer.resume();
  }

  /**
   * Takes back every write not committed, latest first; then rejects those still waiting with
   * `error`, or the error made of `cause` after the undo (it may read the store back, as the
   * broker's reloads do).
   */
  private undoAll(error: Error | undefined, cause?: unknown): void {
    const writes = [
      ...this.inflight.flatMap((b) => b.writes),
      ...(this.gathering?.writes ?? []),
      ...this.turn,
    ];
    this.inflight = [];
    this.gathering = undefined;
    this.turn = [];
    this.unsent = [];
    for (let i = writes.length - 1; i >= 0; i--) undoAll((writes[i] as Unacked).undo);
    const rejection = error ?? this.failure(cause);
    for (const w of writes) {
      if (!w.lazy) w.reject(rejection);
    }
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (!this.idle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of waiters) fn();
  }
}

function answer(w: Unacked): void {
  w.resolve(w.value);
  for (const fn of w.callbacks) fn();
}
