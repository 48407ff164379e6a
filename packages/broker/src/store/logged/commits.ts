import { undoAll } from '../heap/journal.js';
import { coalesce, survivors } from './apply.js';
import type { JournalPosition, LogJournal } from './journal.js';
import type { Records } from './ops.js';
import type { LogWriter } from './writer.js';

/**
 * How long the records journaled gather before they go to the log writer, in ms. Longer windows let
 * more of a busy queue's messages be stored and deleted without reaching SQLite, but they hold every
 * record (and its 1 KiB body) past the young generation: wave 6's 1 s window after one that mostly
 * cancelled out cost more in garbage collection than it saved (200 ms: FIFO cycle 1.10× msg/s, 0.87×
 * CPU; 1k cycle 1.05×, 0.97×; docs/benchmarks.md, wave 8), and a growing backlog wants short ones
 * (0.77× the batched send's messages/s with 1 s windows).
 */
export const WINDOW_MS = 200;
/** Record values after which the window goes to the log writer at once (a stored message's record is 16). */
const WINDOW_VALUES = 500_000;

/** A write made on the heap and not answered yet (it waits for the end of its turn). */
export interface Unacked {
  /** How to take the write back from the heap (latest last). */
  undo: Array<() => void>;
  /** Run once the write is answered (what `afterCommit` registered during it, and after). */
  callbacks: Array<() => void>;
  /** It stores a message (refused while the database cannot take more). */
  stores: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

/** A window of records sent to the log writer and not yet applied. */
interface Sent {
  /** Given by the log writer when sent. */
  id: number;
  /** The heap's last seq when the window closed: every message up to it is in SQLite once applied. */
  lastSeq: number;
  /** The end of the window's last frame in the journal. */
  to: JournalPosition;
}

/**
 * The logged engine's commits, on the main thread, in two steps:
 *
 * 1. **Durable.** The writes of one event-loop turn are answered at its end, once their records are
 *    appended to the journal as one frame (`journal.ts`: one `write` system call, and an fsync with
 *    the `fsync` option). If that write fails, the turn's writes are undone on the heap, latest first,
 *    and reject.
 * 2. **Applied.** The records journaled gather for {@link WINDOW_MS} (or up to {@link WINDOW_VALUES})
 *    and then go to the log writer, which applies them to SQLite in one transaction along with the
 *    journal position they reach. Within a window, a message stored and deleted is never written (most
 *    messages of a busy queue live for less than a window), and only its last delivery state is.
 *
 * If SQLite cannot apply a window (a full database), nothing answered is lost (it is in the journal)
 * and the log writer retries; until it succeeds, turns that store a message are refused (undone, and
 * rejected with the storage failure) so that the journal does not grow past what SQLite can take.
 */
export class LogCommits {
  /** Writes of the current turn. */
  private turn: Unacked[] = [];
  /** The records of the current turn's writes, each write's, in order. */
  private unsent: Array<readonly unknown[]> = [];
  private scheduled = false;
  /** Records journaled, not yet sent to the log writer, in order. */
  private window: Array<readonly unknown[]> = [];
  /** The payloads of the window's journal frames (the same records, serialized). */
  private frames: Buffer[] = [];
  /** How many values {@link window} holds. */
  private windowValues = 0;
  private windowTo: JournalPosition | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Sent[] = [];
  private idleWaiters: Array<() => void> = [];
  /** Someone waits for SQLite ({@link LogCommits.busy}): the window goes at the end of the turn. */
  private urgent = false;
  /** Why SQLite last failed to apply a window, until it applies one. */
  private stalled: unknown;
  /** Set when the log writer stopped: every write rejects with it. */
  private broken: Error | undefined;
  /** Every message up to this seq has its store journaled (and is in SQLite once the window is applied). */
  journaledSeq = 0;
  /** Called when everything up to a seq is in SQLite (see `spill.ts`). */
  onApplied: (lastSeq: number) => void = () => {};

  constructor(
    private readonly journal: LogJournal,
    private readonly writer: LogWriter,
    /** The heap's last seq now. */
    private readonly lastSeq: () => number,
    /** The error the writes of a failed commit reject with; called after they are undone. */
    private readonly failure: (cause: unknown) => Error,
  ) {
    this.journaledSeq = lastSeq();
    writer.onAck = (id) => this.acked(id);
    writer.onFail = (cause) => {
      this.stalled = cause;
    };
  }

  /** Takes a write just made on the heap; returns its promise. */
  add<T>(write: Omit<Unacked, 'resolve' | 'reject'>, ops: readonly unknown[]): Promise<T> {
    if (this.broken) {
      undoAll(write.undo);
      return Promise.reject(this.broken);
    }
    if (ops.length > 0) this.unsent.push(ops);
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
    return this.turn.at(-1);
  }

  /**
   * A promise while anything is not applied to SQLite yet (sending the window now); undefined when all
   * is.
   */
  busy(): Promise<void> | undefined {
    if (this.idle()) return undefined;
    this.urgent = true;
    if (!this.scheduled) this.send();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Ends the turn now and sends the window (before closing). Returns the end of the journal's last
   * frame, or undefined when nothing was ever journaled. (Not the journal's position: a frame that
   * filled its segment opened an empty next one, which holds nothing SQLite lacks.)
   */
  drain(): JournalPosition | undefined {
    this.endTurn();
    this.send();
    return this.windowTo;
  }

  /** The log writer stopped: the turn's writes are undone and reject; later writes reject at once. */
  stopped(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    const writes = this.turn;
    this.turn = [];
    this.unsent = [];
    this.refuse(writes, () => this.failure(error));
    this.inflight = [];
    this.window = [];
    this.frames = [];
    this.wakeIdle();
  }

  private idle(): boolean {
    return this.turn.length === 0 && this.window.length === 0 && this.inflight.length === 0;
  }

  private readonly endTurn = (): void => {
    this.scheduled = false;
    if (this.turn.length === 0) return;
    const writes = this.turn;
    const records = this.unsent;
    this.turn = [];
    this.unsent = [];
    if (records.length > 0) {
      if (this.stalled !== undefined && writes.some((w) => w.stores)) {
        const cause = this.stalled;
        this.refuse(writes, () => this.failure(cause));
        return;
      }
      try {
        const { at, payload } = this.journal.append(records);
        this.windowTo = at;
        this.frames.push(payload);
      } catch (error) {
        this.refuse(writes, () => this.failure(asStorageFailure(error)));
        return;
      }
      for (const chunk of records) {
        this.window.push(chunk);
        this.windowValues += chunk.length;
      }
      this.journaledSeq = this.lastSeq();
      if (this.urgent || this.windowValues >= WINDOW_VALUES) this.send();
      else this.timer ??= setTimeout(() => this.send(), WINDOW_MS);
    }
    for (const w of writes) {
      w.resolve(w.value);
      for (const fn of w.callbacks) fn();
    }
    this.wakeIdle();
  };

  /** Sends the window to the log writer, without what it would write only to delete. */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.window.length === 0 || this.windowTo === undefined) return;
    const skip = coalesce(this.window);
    // nothing cancels out (a growing backlog): the frames' payloads go as they are, transferred
    const whole = skip.size === 0 && this.frames.every(transferable);
    const records: Records = whole ? [] : survivors(this.window, skip);
    const frames = whole ? this.frames.map((f) => f.buffer as ArrayBuffer) : [];
    this.window = [];
    this.frames = [];
    this.windowValues = 0;
    this.inflight.push({
      id: this.writer.send(records, frames, this.windowTo),
      lastSeq: this.journaledSeq,
      to: this.windowTo,
    });
  }

  /** Every window up to `id` is in SQLite. */
  private acked(id: number): void {
    let applied: Sent | undefined;
    while (this.inflight.length > 0 && (this.inflight[0] as Sent).id <= id) applied = this.inflight.shift();
    this.stalled = undefined;
    if (applied) {
      this.onApplied(applied.lastSeq);
      this.journal.release(applied.to);
    }
    this.wakeIdle();
  }

  /** Takes back `writes` (one turn's, not journaled), latest first; then rejects them with `error()`. */
  private refuse(writes: Unacked[], error: () => Error): void {
    for (let i = writes.length - 1; i >= 0; i--) undoAll((writes[i] as Unacked).undo);
    if (writes.length === 0) return;
    const rejection = error();
    for (const w of writes) w.reject(rejection);
  }

  private wakeIdle(): void {
    if (!this.idle() || this.idleWaiters.length === 0) return;
    this.urgent = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of waiters) fn();
  }
}

/** Whether `buffer` owns its whole ArrayBuffer (so that transferring it moves nothing else). */
function transferable(buffer: Buffer): boolean {
  return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
}

/** SQLite's code for what a failed journal write means, so that the broker's advice fits it. */
function asStorageFailure(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const sqlite =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'SQLITE_FULL'
      : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
        ? 'SQLITE_READONLY'
        : 'SQLITE_IOERR';
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`the journal write failed: ${message}`), { code: sqlite, cause: error });
}
