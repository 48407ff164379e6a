import type { Clock, Timer } from '../clock.js';

interface Waiter {
  wake: () => void;
}

/**
 * Receives waiting for messages (long polling). A waiter sleeps until its queue is notified (a send
 * or a visibility change committed), until the next instant a message of the queue becomes visible,
 * or until its deadline — whichever comes first — so a message is handed out the moment it is
 * available, with no polling interval.
 */
export class LongPolls {
  private readonly waiters = new Map<number, Set<Waiter>>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /**
   * Waits until the queue is notified, or until `wakeAt` (ms since epoch; the deadline or the next
   * visibility instant, whichever is earlier), or until `signal` aborts (the client went away).
   * Resolves at once once the broker is closing.
   */
  wait(queueId: number, wakeAt: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(queueId);
      if (!set) {
        set = new Set();
        this.waiters.set(queueId, set);
      }
      const waiters = set;
      let timer: Timer | undefined;
      const waiter: Waiter = {
        wake: () => {
          timer?.cancel();
          signal?.removeEventListener('abort', waiter.wake);
          waiters.delete(waiter);
          if (waiters.size === 0 && this.waiters.get(queueId) === waiters) this.waiters.delete(queueId);
          resolve();
        },
      };
      waiters.add(waiter);
      timer = this.clock.setTimeout(waiter.wake, wakeAt - this.clock.now());
      signal?.addEventListener('abort', waiter.wake, { once: true });
    });
  }

  /** True once the broker is stopping. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether anyone is waiting on the queue. */
  hasWaiters(queueId: number): boolean {
    return this.waiters.has(queueId);
  }

  /** Wakes every receive waiting on the queue. */
  notify(queueId: number): void {
    const set = this.waiters.get(queueId);
    if (!set) return;
    for (const waiter of [...set]) waiter.wake();
  }

  /** Wakes everyone and refuses new waits (the broker is stopping). */
  close(): void {
    this.closed = true;
    for (const id of [...this.waiters.keys()]) this.notify(id);
  }
}
