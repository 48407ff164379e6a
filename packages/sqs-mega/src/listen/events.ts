import type { Message } from '@aws-sdk/client-sqs';
import type { Verdict } from './outcomes.js';
import type { ProcessStatus } from './types.js';

/** The listener's observability events, by name. */
export interface ListenerEvents {
  /** A message was received (before decoding). */
  received: { messageId: string; receiveCount: number; message: Message };
  /** A message's subscribers ran: `verdict` combines their `statuses`. */
  processed: {
    messageId: string;
    verdict: Verdict;
    statuses: Record<string, ProcessStatus>;
    durationMs: number;
  };
  /** A message was left for a retry after `delaySeconds`. */
  retried: { messageId: string; receiveCount: number; delaySeconds: number };
  /** A message was moved to the dead-letter queue. */
  'dead-lettered': { messageId: string; reason: string; deadLetterQueueUrl: string };
  /** No subscriber matched the message; `action` says what was done with it. */
  unmatched: { messageId: string; action: 'delete' | 'dead-letter' | 'leave' };
  /** Something failed: a receive, a delete, a dead-letter move, a handler (with `messageId`). */
  error: { error: unknown; phase: string; messageId?: string };
}

/** Counters kept by the listener, one per event. */
export type ListenerStats = { [K in keyof ListenerEvents]: number };

/** A small typed event emitter. `on` returns the unsubscribe function. */
export class TypedEvents<E> {
  private readonly listeners = new Map<keyof E, Set<(event: never) => void>>();

  on<K extends keyof E>(name: K, fn: (event: E[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(fn as (event: never) => void);
    return () => set.delete(fn as (event: never) => void);
  }

  emit<K extends keyof E>(name: K, event: E[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as (event: E[K]) => void)(event);
      } catch {
        // an observer's failure must not break processing
      }
    }
  }

  has(name: keyof E): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }
}
