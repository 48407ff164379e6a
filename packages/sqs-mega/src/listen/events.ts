import type { Message } from '@aws-sdk/client-sqs';
import type { DecodedMessage } from '../codec/decode.js';
import type { Verdict } from './outcomes.js';
import type { ProcessStatus } from './types.js';

/** What every event about one message carries: its id, the raw SQS message and its decoded payload. */
export interface MessageEventBase {
  messageId: string;
  /** The URL of the queue it was received from (one of the listener's `queues`, or its `queueUrl`). */
  queueUrl: string;
  /** The raw SQS message (body, attributes, receipt handle). */
  message: Message;
  /** The decoded payload, with its `kind` (`mega`, `data`, `text`, `binary`, `invalid`, `sns-confirmation`). */
  payload: DecodedMessage;
}

/** The listener's observability events, by name. Every event about a message carries {@link MessageEventBase}. */
export interface ListenerEvents {
  /** A message was received (decoded, not yet dispatched). */
  received: MessageEventBase & { receiveCount: number };
  /** A message's subscribers ran: `verdict` combines their `statuses`. */
  processed: MessageEventBase & {
    verdict: Verdict;
    statuses: Record<string, ProcessStatus>;
    durationMs: number;
  };
  /** A message was left for a retry after `delaySeconds`. */
  retried: MessageEventBase & { receiveCount: number; delaySeconds: number };
  /**
   * Every subscriber that had not finished the message deferred it (`DeferError`, e.g. a rate limit
   * or an open circuit): it waits `seconds`, as a delayed copy sent to `queueUrl` (`reroute`) or
   * invisible in place (`visibility`). Not a failure: never counted as one, never dead-lettered for it.
   */
  deferred: MessageEventBase & {
    seconds: number;
    reason: string;
    mode: 'reroute' | 'visibility';
    queueUrl: string;
  };
  /** A message was moved to the dead-letter queue. */
  'dead-lettered': MessageEventBase & { reason: string; deadLetterQueueUrl: string };
  /** No subscriber matched the message; `action` says what was done with it. */
  unmatched: MessageEventBase & { action: 'delete' | 'dead-letter' | 'leave' };
  /**
   * A received message was given back unprocessed (visibility 0): it arrived while stopping, or it
   * waited behind a FIFO group's message that was left for a retry.
   */
  released: MessageEventBase & { reason: 'stopping' | 'fifo-group' };
  /**
   * A configuration the listener corrected or cannot honour, found at construction or at start (e.g.
   * `maxAttempts` above the queue's `maxReceiveCount`, a sub-second backoff). `code` is stable.
   */
  warning: { code: string; detail: string; queueUrl?: string };
  /**
   * Something failed: a receive, a delete, a dead-letter move, a handler. Failures about one message
   * carry its `messageId`, `message` and `payload`.
   */
  error: { error: unknown; phase: string } & Partial<MessageEventBase>;
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
