/**
 * A counting limit with waiting: the listener's global concurrency and each subscriber's own.
 * Waiters are served in arrival order.
 */
export class Capacity {
  private used = 0;
  private readonly waiters: Array<() => void> = [];
  private watchers: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Slots free now. */
  get free(): number {
    return this.limit - this.used;
  }

  get inUse(): number {
    return this.used;
  }

  /** Waits for at least one free slot, then takes up to `max` of them; resolves with how many. */
  async reserve(max: number, signal?: AbortSignal): Promise<number> {
    while (this.free <= 0) {
      if (signal?.aborted) return 0;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal?.aborted) return 0;
    const taken = Math.min(max, this.free);
    this.used += taken;
    return taken;
  }

  /** Takes up to `max` free slots now, without waiting; returns how many (0 when none is free). */
  take(max: number): number {
    const taken = Math.max(0, Math.min(max, this.free));
    this.used += taken;
    return taken;
  }

  /** Resolves at the next release of slots, or when `signal` aborts. */
  released(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = () => {
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.watchers.push(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Takes one slot (waiting for it) and resolves with its release function. */
  async acquire(): Promise<() => void> {
    await this.reserve(1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(1);
    };
  }

  /** Gives back `count` slots. */
  release(count: number): void {
    if (count <= 0) return;
    this.used -= count;
    let n = this.free;
    while (n-- > 0 && this.waiters.length > 0) this.waiters.shift()?.();
    const watchers = this.watchers;
    this.watchers = [];
    for (const wake of watchers) wake();
  }
}
