import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Clock, sleep, systemClock } from '../clock.js';
import { Acknowledger } from '../listen/acks.js';
import { backoffDelay } from '../listen/backoff.js';
import { TypedEvents } from '../listen/events.js';
import { onSignals } from '../listen/shutdown.js';
import { type Logger, silentLogger } from '../logger.js';
import { createContext } from './context.js';
import { type SqsRecord, toSqsRecord } from './event.js';
import { invoke, type LambdaHandler } from './invoke.js';
import { readOutcome } from './outcome.js';

/** Options of {@link runEventSourceMapping}, named after Lambda's event source mapping settings. */
export interface EventSourceMappingOptions {
  /** The official SQS client (pointed at the broker or at AWS). */
  client: SQSClient;
  queueUrl: string;
  /** The function: `(event, context)` returning a promise, or callback style `(event, context, callback)`. */
  handler: LambdaHandler;
  /** Most records per invocation, 1–10,000 (default 10; above 10 needs a batching window; FIFO ≤ 10). */
  batchSize?: number;
  /** How long to gather records once the first arrived, seconds, 0–300 (default 0: one receive). */
  maximumBatchingWindowInSeconds?: number;
  /** Invocations running at once (default 2, Lambda's minimum for SQS). */
  maximumConcurrency?: number;
  /** Function timeout, seconds (default 3, Lambda's default); a timed-out invocation fails its batch. */
  functionTimeout?: number;
  /** `ReportBatchItemFailures`: read `batchItemFailures` from the result (default false, as on Lambda). */
  reportBatchItemFailures?: boolean;
  /** The function's name in its context and ARN (default `local-function`). */
  functionName?: string;
  /** `context.memoryLimitInMB` (default 128); informative only. */
  memoryLimitInMB?: number;
  /** Visibility timeout asked for on receive, seconds (default: the queue's own). */
  visibilityTimeout?: number;
  clock?: Clock;
  logger?: Logger;
}

/** The mapping's observability events, by name. */
export interface EventSourceMappingEvents {
  /** One invocation ended: how many records were deleted and how many left for a retry. */
  invoked: {
    requestId: string;
    records: number;
    succeeded: number;
    failed: number;
    durationMs: number;
    reason?: string;
  };
  /** A receive or a delete failed. */
  error: { error: unknown; phase: string };
}

/** A running event source mapping. */
export interface EventSourceMapping {
  /** The queue's ARN (the records' `eventSourceARN`). */
  readonly queueArn: string;
  /** Invocations so far, records deleted and records left for a retry. */
  readonly stats: { invocations: number; succeeded: number; failed: number };
  on<K extends keyof EventSourceMappingEvents>(
    name: K,
    fn: (event: EventSourceMappingEvents[K]) => void,
  ): () => void;
  /** Stops polling at once, lets running invocations end (within their timeout), flushes deletes. Idempotent. */
  stop(): Promise<void>;
  /** Stops on the first of `signals` (default SIGTERM and SIGINT); returns the remover. */
  stopOnSignals(signals?: NodeJS.Signals[]): () => void;
}

/**
 * Runs a Lambda-style SQS event source mapping locally: polls the queue, gathers batches, invokes
 * `handler` with Lambda's SQS event and a context, and deletes what succeeded (see `readOutcome`).
 *
 * ```ts
 * const mapping = await runEventSourceMapping({ client, queueUrl, handler, reportBatchItemFailures: true });
 * await mapping.stop();
 * ```
 */
export async function runEventSourceMapping(options: EventSourceMappingOptions): Promise<EventSourceMapping> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { Attributes = {} } = await options.client.send(
    new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn', 'FifoQueue'] }),
  );
  const queueArn = Attributes.QueueArn ?? '';
  const fifo = Attributes.FifoQueue === 'true';
  const batchSize = options.batchSize ?? 10;
  const windowSeconds = options.maximumBatchingWindowInSeconds ?? 0;
  check('batchSize', batchSize, 1, fifo ? 10 : 10_000);
  check('maximumBatchingWindowInSeconds', windowSeconds, 0, 300);
  if (batchSize > 10 && windowSeconds < 1)
    throw new RangeError(`batchSize above 10 (got ${batchSize}) needs maximumBatchingWindowInSeconds ≥ 1`);
  const concurrency = options.maximumConcurrency ?? 2;
  check('maximumConcurrency', concurrency, 1, 1000);
  const timeoutMs = (options.functionTimeout ?? 3) * 1000;
  check('functionTimeout', options.functionTimeout ?? 3, 1, 900);
  const [, , , region = '', accountId = ''] = queueArn.split(':');
  const functionName = options.functionName ?? 'local-function';
  const acks = new Acknowledger(options.client, options.queueUrl, clock);
  const events = new TypedEvents<EventSourceMappingEvents>();
  const stats = { invocations: 0, succeeded: 0, failed: 0 };
  const controller = new AbortController();
  const { signal } = controller;

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const out = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        ...(options.visibilityTimeout === undefined ? {} : { VisibilityTimeout: options.visibilityTimeout }),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return out.Messages ?? [];
  };

  /** One batch: a long poll for the first messages, then more within the batching window. */
  const collect = async (): Promise<Message[]> => {
    const batch = await receive(Math.min(10, batchSize), 20);
    if (batch.length === 0 || windowSeconds === 0) return batch;
    const deadline = clock.now() + windowSeconds * 1000;
    while (batch.length < batchSize && !signal.aborted) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      const more = await receive(
        Math.min(10, batchSize - batch.length),
        Math.min(20, Math.floor(left / 1000)),
      );
      batch.push(...more);
      if (more.length === 0 && left < 1000) await sleep(clock, left, signal).catch(() => {});
    }
    return batch;
  };

  const run = async (messages: Message[]): Promise<void> => {
    const records: SqsRecord[] = messages.map((m) => toSqsRecord(m, queueArn));
    const started = clock.now();
    let requestId = '';
    const invocation = await invoke(
      options.handler,
      { Records: records },
      (complete) => {
        const context = createContext({
          functionName,
          region,
          accountId,
          memoryLimitInMB: options.memoryLimitInMB ?? 128,
          deadline: started + timeoutMs,
          clock,
          complete,
        });
        requestId = context.awsRequestId;
        return context;
      },
      timeoutMs,
      clock,
    );
    const outcome = readOutcome(records, invocation, options.reportBatchItemFailures ?? false, fifo);
    await Promise.all(
      outcome.succeeded.map((r) =>
        acks.delete(r.receiptHandle).catch((error) => {
          logger.error({ err: error, messageId: r.messageId }, 'delete failed');
          events.emit('error', { error, phase: 'delete' });
        }),
      ),
    );
    stats.invocations++;
    stats.succeeded += outcome.succeeded.length;
    stats.failed += outcome.failed.length;
    if (outcome.reason) logger.warn({ requestId, reason: outcome.reason }, 'invocation failed (in part)');
    events.emit('invoked', {
      requestId,
      records: records.length,
      succeeded: outcome.succeeded.length,
      failed: outcome.failed.length,
      durationMs: clock.now() - started,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!signal.aborted) {
      let batch: Message[];
      try {
        batch = await collect();
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        logger.warn({ err: error, failures }, 'receive failed; backing off');
        events.emit('error', { error, phase: 'receive' });
        await sleep(clock, backoffDelay(failures, { initialMs: 100, maxMs: 10_000 }), signal).catch(() => {});
        continue;
      }
      if (batch.length === 0) continue;
      if (signal.aborted) {
        // received while stopping: give them back untouched
        await Promise.all(batch.map((m) => acks.changeVisibility(m.ReceiptHandle ?? '', 0).catch(() => {})));
        break;
      }
      await run(batch);
    }
  };

  const loops = Array.from({ length: concurrency }, () => loop());
  let stopping: Promise<void> | undefined;
  const mapping: EventSourceMapping = {
    queueArn,
    get stats() {
      return { ...stats };
    },
    on: (name, fn) => events.on(name, fn),
    stop() {
      stopping ??= (async () => {
        controller.abort();
        await Promise.all(loops);
        await acks.flush();
      })();
      return stopping;
    },
    stopOnSignals: (signals = ['SIGTERM', 'SIGINT']) => onSignals(signals, () => mapping.stop()),
  };
  return mapping;
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max} (got ${value})`);
}
