import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { ListenerEvents } from './events.js';
import type { Middleware } from './types.js';

/** What an instrumentation sees of the listener it is attached to. */
export interface InstrumentedListener {
  /** The queue consumed; with `queues`, the first of them (see `queueUrls`). */
  readonly queueUrl: string;
  /** Every queue consumed: `[queueUrl]`, or the listener's `queues` in the order given. */
  readonly queueUrls: readonly string[];
  readonly client: SQSClient;
  on<K extends keyof ListenerEvents>(name: K, fn: (event: ListenerEvents[K]) => void): () => void;
}

/**
 * Hooks a listener runs for observability (see `sqs-mega/metrics` and `sqs-mega/tracing`). Each
 * wrapper must call the work it is given exactly once and return its result.
 */
export interface ListenerInstrumentation {
  /** Middleware around each subscriber's handler, outside the listener's own middleware. */
  middleware?: Middleware;
  /** Wraps one ReceiveMessage call. */
  receive?(queueUrl: string, receive: () => Promise<Message[]>): Promise<Message[]>;
  /** Wraps the processing of one message: decoding, its subscribers, its settlement. */
  message?<T>(message: Message, queueUrl: string, process: () => Promise<T>): Promise<T>;
  /** Called once, when the listener is built. */
  attach?(listener: InstrumentedListener): void;
}

/** Nests `work` in the wrappers `pick` returns, the first instrumentation outermost. */
export function wrapAll<T>(
  list: readonly ListenerInstrumentation[],
  pick: (i: ListenerInstrumentation, inner: () => Promise<T>) => Promise<T> | undefined,
  work: () => Promise<T>,
): Promise<T> {
  let run = work;
  for (let i = list.length - 1; i >= 0; i--) {
    const inner = run;
    const instrumentation = list[i] as ListenerInstrumentation;
    run = () => pick(instrumentation, inner) ?? inner();
  }
  return run();
}
