import type { OutgoingMessage } from './message.js';

/** Where a publisher sends: for metrics labels and span attributes. */
export interface PublishTarget {
  /** The queue URL or topic ARN. */
  readonly destination: string;
  readonly sns: boolean;
  readonly fifo: boolean;
}

/**
 * Hooks a publisher runs for observability (metrics, tracing): see `sqs-mega/metrics` and
 * `sqs-mega/tracing`. Each wraps the work it is given and must call it exactly once.
 */
export interface PublisherInstrumentation {
  /**
   * Wraps one message's publish, from after it is built (its attributes may still be added to, e.g.
   * a trace context, while `message.attributes` has room) until its result.
   */
  message?<T>(message: OutgoingMessage, target: PublishTarget, publish: () => Promise<T>): Promise<T>;
  /** Wraps one SQS/SNS call carrying `count` messages (1 for a single send). */
  call?<T>(count: number, target: PublishTarget, send: () => Promise<T>): Promise<T>;
}

/** Nests `work` in every instrumentation's `pick` wrapper, the first outermost. */
export function instrumented<T>(
  list: readonly PublisherInstrumentation[],
  wrap: (i: PublisherInstrumentation, inner: () => Promise<T>) => Promise<T> | undefined,
  work: () => Promise<T>,
): Promise<T> {
  let run = work;
  for (let i = list.length - 1; i >= 0; i--) {
    const inner = run;
    const instrumentation = list[i] as PublisherInstrumentation;
    run = () => wrap(instrumentation, inner) ?? inner();
  }
  return run();
}
