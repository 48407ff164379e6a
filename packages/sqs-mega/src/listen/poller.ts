import type { Message } from '@aws-sdk/client-sqs';
import { type Clock, sleep } from '../clock.js';
import { backoffDelay } from './backoff.js';
import type { Capacity } from './capacity.js';

/** What a poll loop needs. */
export interface PollLoop {
  capacity: Capacity;
  /** Most messages per receive (1–10). */
  batchSize: number;
  /** One ReceiveMessage call for up to `max` messages; aborted by `signal`. */
  receive(max: number, signal: AbortSignal): Promise<Message[]>;
  /** Takes ownership of received messages (each holds one capacity slot until it is finished). */
  deliver(messages: Message[]): void;
  onError(error: unknown, failures: number): void;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * The long-poll loop: a plain `while` (no recursion: the stack never grows), receiving only into free
 * capacity (backpressure), backing off after failures (the endpoint restarting, refusing connections
 * or throttling) and resuming when it recovers. Ends when `signal` aborts.
 */
export async function pollLoop(loop: PollLoop): Promise<void> {
  const { capacity, signal } = loop;
  let failures = 0;
  while (!signal.aborted) {
    const reserved = await capacity.reserve(loop.batchSize, signal);
    if (reserved === 0) break;
    let messages: Message[];
    try {
      messages = await loop.receive(reserved, signal);
      failures = 0;
    } catch (error) {
      capacity.release(reserved);
      if (signal.aborted) break;
      failures++;
      loop.onError(error, failures);
      await sleep(loop.clock, backoffDelay(failures, { initialMs: 100, maxMs: 10_000 }), signal).catch(
        () => {},
      );
      continue;
    }
    capacity.release(reserved - messages.length);
    if (messages.length > 0) loop.deliver(messages);
  }
}
