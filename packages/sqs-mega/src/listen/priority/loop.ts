import type { Message } from '@aws-sdk/client-sqs';
import type { Clock, Timer } from '../../clock.js';
import { backoffDelay } from '../backoff.js';
import type { Capacity } from '../capacity.js';
import { failed, type Lane, landed, type PlannedReceive, plan } from './schedule.js';

/** What the priority poll loop needs. */
export interface PriorityLoop {
  capacity: Capacity;
  lanes: Lane[];
  policy: 'strict' | 'weighted';
  /** Most messages per receive (1–10). */
  batchSize: number;
  /** Long-poll wait of a watch (a receive on a queue that came back empty), seconds. */
  waitTimeSeconds: number;
  /** Most short receives under way at once, over all queues. */
  maxWorkReceives: number;
  /** One ReceiveMessage on queue `queue` (an index) for up to `max` messages, waiting `waitSeconds`. */
  receive(queue: number, max: number, waitSeconds: number): Promise<Message[]>;
  /** Takes ownership of messages received from queue `queue` (each holds one capacity slot). */
  deliver(queue: number, messages: Message[]): void;
  onError(error: unknown, failures: number, queue: number): void;
  clock: Clock;
  /** Ends the loop: no receive starts after it aborts; receives under way are awaited (they land). */
  signal: AbortSignal;
}

/**
 * The receive loop over several queues: on every change (slots released, a receive landed, a
 * backoff ended) it asks `plan` which receives to start, takes their slots and starts them. Failures
 * back off per queue (the others go on). When `signal` aborts it starts nothing more and resolves
 * once the receives under way have landed and their messages were delivered.
 */
export async function priorityLoop(loop: PriorityLoop): Promise<void> {
  const { capacity, signal, clock, lanes } = loop;
  const pending = new Set<Promise<void>>();
  let wake: () => void = () => {};
  let released: Promise<void> | undefined;
  const start = (receive: PlannedReceive) => {
    const { lane } = receive;
    const run = (async () => {
      let messages: Message[];
      try {
        messages = await loop.receive(lane.index, receive.max, receive.watch ? loop.waitTimeSeconds : 0);
      } catch (error) {
        capacity.release(receive.max);
        const delay = backoffDelay(lane.failures + 1, { initialMs: 100, maxMs: 10_000 });
        failed(receive, clock.now() + delay);
        if (!signal.aborted) loop.onError(error, lane.failures, lane.index);
        return;
      } finally {
        wake();
      }
      landed(lanes, receive, messages.length);
      capacity.release(receive.max - messages.length);
      if (messages.length > 0) loop.deliver(lane.index, messages);
    })();
    pending.add(run);
    const forget = () => pending.delete(run);
    run.then(forget, forget);
  };
  while (!signal.aborted) {
    const now = clock.now();
    for (const receive of plan(lanes, loop.policy, capacity.free, now, loop)) {
      capacity.take(receive.max);
      start(receive);
    }
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    released ??= capacity.released(signal).then(() => {
      released = undefined;
    });
    const retryAt = Math.min(...lanes.filter((l) => l.retryAt > now).map((l) => l.retryAt));
    let timer: Timer | undefined;
    if (Number.isFinite(retryAt)) timer = clock.setTimeout(wake, retryAt - now);
    await Promise.race([woken, released]);
    timer?.cancel();
  }
  while (pending.size > 0) await Promise.all([...pending]);
}
