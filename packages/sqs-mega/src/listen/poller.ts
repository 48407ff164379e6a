import type { Message } from '@aws-sdk/client-sqs';
import { type Clock, sleep } from '../clock.js';
import { backoffDelay } from './backoff.js';
import type { Capacity } from './capacity.js';

/** What a poll loop needs. */
export interface PollLoop {
  capacity: Capacity;
  /** Most messages per receive (1–10). */
  batchSize: number;
  /** One ReceiveMessage call for up to `max` messages. */
  receive(max: number): Promise<Message[]>;
  /** Takes ownership of received messages (each holds one capacity slot until it is finished). */
  deliver(messages: Message[]): void;
  onError(error: unknown, failures: number): void;
  clock: Clock;
  /** Ends the loop: no receive starts after it aborts; receives under way are awaited (they land). */
  signal: AbortSignal;
  /**
   * Most receives under way at once (default 2): while a long poll waits, slots freed by finished
   * messages start another receive for them at once instead of idling until the poll returns.
   */
  maxReceives?: number;
}

/**
 * The long-poll loop: a plain `while` (no recursion: the stack never grows), receiving only into free
 * capacity (backpressure), re-polling when slots free up while a long poll waits, backing off after
 * failures (the endpoint restarting, refusing connections or throttling) and resuming when it
 * recovers. When `signal` aborts it starts nothing more and resolves once the receives under way
 * have landed (and their messages were delivered).
 */
export async function pollLoop(loop: PollLoop): Promise<void> {
  const { capacity, signal } = loop;
  const maxReceives = Math.max(1, loop.maxReceives ?? 2);
  const pending = new Set<Promise<void>>();
  let failures = 0;
  const start = (reserved: number) => {
    const run = (async () => {
      let messages: Message[];
      try {
        messages = await loop.receive(reserved);
        failures = 0;
      } catch (error) {
        capacity.release(reserved);
        if (signal.aborted) return;
        failures++;
        loop.onError(error, failures);
        await sleep(loop.clock, backoffDelay(failures, { initialMs: 100, maxMs: 10_000 }), signal).catch(
          () => {},
        );
        return;
      }
      capacity.release(reserved - messages.length);
      if (messages.length > 0) loop.deliver(messages);
    })();
    pending.add(run);
    const forget = () => pending.delete(run);
    run.then(forget, forget);
  };
  while (!signal.aborted) {
    if (pending.size === 0) {
      const reserved = await capacity.reserve(loop.batchSize, signal);
      if (reserved === 0) break;
      start(reserved);
    } else if (pending.size < maxReceives && failures === 0 && capacity.free > 0) {
      start(capacity.take(loop.batchSize));
    } else {
      await Promise.race([...pending, capacity.released(signal)]);
    }
  }
  while (pending.size > 0) await Promise.all([...pending]);
}
