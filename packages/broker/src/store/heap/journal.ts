/**
 * The undo log of the heap engine's current write: each change records how to take it back, so a
 * write whose function throws leaves nothing behind (as a rolled-back SQLite savepoint does).
 */
export class Journal {
  private undo: Array<() => void> | undefined;

  /** Whether a write is open. */
  get active(): boolean {
    return this.undo !== undefined;
  }

  begin(): void {
    this.undo = [];
  }

  /**
   * Runs `fn` with nothing of it recorded, inside a write too: for changes that must outlive the
   * write whatever becomes of it (the logged engine reading messages back from disk).
   */
  untracked<T>(fn: () => T): T {
    const undo = this.undo;
    this.undo = undefined;
    try {
      return fn();
    } finally {
      this.undo = undo;
    }
  }

  /** Records how to take back a change just made (ignored outside a write). */
  record(fn: () => void): void {
    this.undo?.push(fn);
  }

  /**
   * Keeps every change of the write; returns how to take them back, latest last (for an engine that
   * may still lose the write after this, see {@link undoAll}).
   */
  commit(): Array<() => void> {
    const undo = this.undo ?? [];
    this.undo = undefined;
    return undo;
  }

  /** Takes back every change of the write, latest first. */
  rollback(): void {
    const undo = this.undo ?? [];
    this.undo = undefined;
    undoAll(undo);
  }
}

/** Takes back the changes `undo` records (as {@link Journal.commit} returned them), latest first. */
export function undoAll(undo: ReadonlyArray<() => void>): void {
  for (let i = undo.length - 1; i >= 0; i--) (undo[i] as () => void)();
}
