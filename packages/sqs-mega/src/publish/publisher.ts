import { type Clock, systemClock } from '../clock.js';
import { createMegaEvent } from '../event/builder.js';
import type { MegaEventInput } from '../event/types.js';
import { retrying } from '../listen/backoff.js';
import { validateWithSchema } from '../listen/schema.js';
import { type Logger, silentLogger } from '../logger.js';
import { Batcher, type EntryResult, resultsById } from './batcher.js';
import { instrumented, type PublisherInstrumentation } from './instrumentation.js';
import { LIMITS, PublishEntryError } from './limits.js';
import { buildMessage, type MessageDefaults, type OutgoingMessage, type PublishOptions } from './message.js';

/** What a publish resolves with. */
export interface PublishResult {
  messageId: string;
  /** FIFO targets only. */
  sequenceNumber?: string;
}

/** Options shared by {@link SqsPublisher} and {@link SnsPublisher}. */
export interface PublisherOptions extends MessageDefaults {
  /**
   * Automatic batching: publishes issued close together go out as one batch call (≤ 10 entries,
   * within the size limit). `lingerMs` (default 0: only what is issued in the same event-loop turn)
   * lets an entry wait that long for company. `false` sends each message on its own.
   */
  batching?: false | { lingerMs?: number };
  /** Attempts per call on transient failures (network, throttling, 5xx), with backoff (default 5). */
  attempts?: number;
  /** Observability hooks, e.g. `publisherMetrics()` (`sqs-mega/metrics`) and `publisherTracing()` (`sqs-mega/tracing`). Default: none. */
  instrument?: readonly PublisherInstrumentation[];
  /** The clock for batching windows and retry backoff (default: the system clock). */
  clock?: Clock;
  logger?: Logger;
}

/** How a publisher reaches its target: one message, or a batch. */
export interface PublishTransport {
  /** The queue URL or topic ARN. */
  readonly destination: string;
  readonly fifo: boolean;
  readonly sns: boolean;
  readonly maxBytes: number;
  sendOne(message: OutgoingMessage): Promise<PublishResult>;
  sendBatch(messages: OutgoingMessage[]): Promise<EntryResult<PublishResult>[]>;
}

/**
 * Publishes MEGA events, data objects, strings and bytes to one SQS queue or SNS topic. Use
 * {@link SqsPublisher} or {@link SnsPublisher}.
 */
export class Publisher {
  private readonly batcher: Batcher<OutgoingMessage, PublishResult> | undefined;
  private readonly clock: Clock;
  private readonly attempts: number;
  private readonly logger: Logger;
  private readonly instrument: readonly PublisherInstrumentation[];

  protected constructor(
    private readonly transport: PublishTransport,
    private readonly options: PublisherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.attempts = options.attempts ?? 5;
    this.logger = options.logger ?? silentLogger;
    this.instrument = options.instrument ?? [];
    if (options.batching !== false) {
      this.batcher = new Batcher({
        clock: this.clock,
        lingerMs: options.batching?.lingerMs ?? 0,
        maxEntries: LIMITS.maxBatchEntries,
        maxBytes: transport.maxBytes,
        size: (m) => m.bytes,
        send: (entries) =>
          entries.length === 1
            ? this.call(1, () => this.retry(() => transport.sendOne(entries[0]!))).then(
                (value) => [{ ok: true, value }],
                (error) => [{ ok: false, error }],
              )
            : this.call(entries.length, () => this.retry(() => transport.sendBatch(entries))),
      });
    }
  }

  /**
   * Publishes one payload: a MEGA event (see `createMegaEvent`), a data object, a string or bytes.
   * Resolves with this message's id, or rejects with this message's error.
   * @throws `PublishError` (before sending) when the message breaks a limit: attributes > 10,
   *   size > 1 MiB (SQS) / 256 KiB (SNS), a FIFO target without group id, delay out of range.
   * @throws `SchemaValidationError` when `options.schema` rejects the payload (nothing is sent).
   */
  publish(payload: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    if (options.schema) {
      const { schema, ...rest } = options;
      return validateWithSchema(schema, payload, 'publish').then(() => this.publish(payload, rest));
    }
    let message: OutgoingMessage;
    try {
      message = buildMessage(payload, options, this.options, this.transport);
    } catch (error) {
      return Promise.reject(error);
    }
    const send = () =>
      this.batcher
        ? this.batcher.add(message)
        : this.call(1, () => this.retry(() => this.transport.sendOne(message)));
    if (this.instrument.length === 0) return send();
    return instrumented(this.instrument, (i, inner) => i.message?.(message, this.transport, inner), send);
  }

  /** Builds a MEGA event with `createMegaEvent` and publishes it. */
  publishEvent(event: MegaEventInput, options: PublishOptions = {}): Promise<PublishResult> {
    let built: unknown;
    try {
      built = createMegaEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.publish(built, options);
  }

  /** Sends whatever is waiting for a batch and waits for every call under way. */
  async flush(): Promise<void> {
    await this.batcher?.flush();
  }

  private call<T>(count: number, send: () => Promise<T>): Promise<T> {
    if (this.instrument.length === 0) return send();
    return instrumented(this.instrument, (i, inner) => i.call?.(count, this.transport, inner), send);
  }

  private retry<T>(fn: () => Promise<T>): Promise<T> {
    return retrying(fn, {
      clock: this.clock,
      attempts: this.attempts,
      onRetry: (error, attempt, delayMs) =>
        this.logger.warn({ err: error, attempt, delayMs }, 'publish failed; retrying'),
    });
  }
}

/** A `PublishResult` from an SDK response or batch entry. */
/** A publish batch's answer (`Successful` / `Failed` by entry `Id` = index) as per-message results. */
export function publishResults(
  count: number,
  out: {
    Successful?:
      | Array<{
          Id?: string | undefined;
          MessageId?: string | undefined;
          SequenceNumber?: string | undefined;
        }>
      | undefined;
    Failed?: Parameters<typeof resultsById>[2];
  },
): EntryResult<PublishResult>[] {
  return resultsById(
    count,
    out.Successful,
    out.Failed,
    toPublishResult,
    (code, text, sender) => new PublishEntryError(code, text, sender),
  );
}

export function toPublishResult(out: {
  MessageId?: string | undefined;
  SequenceNumber?: string | undefined;
}): PublishResult {
  return out.SequenceNumber === undefined
    ? { messageId: out.MessageId ?? '' }
    : { messageId: out.MessageId ?? '', sequenceNumber: out.SequenceNumber };
}
