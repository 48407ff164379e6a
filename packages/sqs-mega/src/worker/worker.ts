import {
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Clock, systemClock } from '../clock.js';
import { Acknowledger } from '../listen/acks.js';
import { type BackoffOptions, backoffDelay } from '../listen/backoff.js';
import { Capacity } from '../listen/capacity.js';
import { sendToDeadLetterQueue } from '../listen/dead-letter.js';
import { TypedEvents } from '../listen/events.js';
import { pollLoop } from '../listen/poller.js';
import { drain, onSignals } from '../listen/shutdown.js';
import { type Logger, silentLogger } from '../logger.js';
import { type CronTask, schedule } from './cron.js';
import { PERIODIC_ATTRIBUTES, periodicTaskOf, sqsdHeaders } from './headers.js';
import { post } from './post.js';

/** Options of {@link PushWorker}, named after sqsd's settings. Every option but the first three has a default. */
export interface PushWorkerOptions {
  /** The official SQS client (pointed at the broker or at AWS). */
  client: SQSClient;
  queueUrl: string;
  /** Where messages are POSTed, e.g. `http://127.0.0.1:8080/jobs`; periodic tasks go to their path on its origin. */
  url: string;
  /** HTTP connections: POSTs in flight at once (sqsd's default 50). */
  connections?: number;
  /** Inactivity timeout: how long a POST may take to be answered, seconds (sqsd's default 299). */
  inactivityTimeout?: number;
  /** Visibility timeout asked for on receive, seconds (sqsd's default 300). */
  visibilityTimeout?: number;
  /** Error visibility timeout: how long a failed message stays invisible before its retry, seconds (sqsd's default 2). */
  errorVisibilityTimeout?: number;
  /** Grow the retry delay with the receive count instead (overrides `errorVisibilityTimeout`; default none). */
  backoff?: BackoffOptions;
  /** Retention period: messages sent longer ago than this are deleted without a POST, seconds (sqsd's default 345,600 = 4 days). */
  retentionPeriod?: number;
  /**
   * With `deadLetterQueueUrl`: receives after which a failing message is moved there (sqsd's max
   * retries, default 10). Without it the queue's RedrivePolicy dead-letters failing messages.
   */
  maxRetries?: number;
  /** A dead-letter queue the worker moves messages to after `maxRetries` (default: none, the RedrivePolicy acts). */
  deadLetterQueueUrl?: string;
  /** `Content-Type` of messages without a `Content-Type` attribute (sqsd's MIME type, default `application/json`). */
  mimeType?: string;
  /** Periodic tasks (see `parseCronYaml`): enqueued on schedule, then POSTed to their path like any message. */
  cron?: readonly CronTask[];
  /** Long-poll wait, seconds, 0–20 (default 20). */
  waitTimeSeconds?: number;
  /** How long `stop()` lets in-flight POSTs finish, ms (default 30,000); then they are aborted and their messages released. */
  shutdownTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** The worker's observability events, by name. */
export interface PushWorkerEvents {
  /** The application answered 2xx; the message was deleted. */
  delivered: { messageId: string; status: number; durationMs: number; task?: string };
  /** The POST failed (`status` when there was an answer); the message comes back after `delaySeconds`. */
  failed: { messageId: string; receiveCount: number; reason: string; status?: number; delaySeconds: number };
  /** Moved to `deadLetterQueueUrl` after `maxRetries`. */
  'dead-lettered': { messageId: string; reason: string };
  /** Older than the retention period: deleted without a POST. */
  expired: { messageId: string; ageSeconds: number };
  /** A periodic task's message was enqueued. */
  scheduled: { task: string; scheduledAt: string };
  /** A receive, delete, visibility change or enqueue failed. */
  error: { error: unknown; phase: string; messageId?: string };
}

/** Counters, one per event. */
export type PushWorkerStats = { [K in keyof PushWorkerEvents]: number };

/** Body of a periodic task's message (SQS bodies cannot be empty). */
export const PERIODIC_BODY = 'elasticbeanstalk scheduled job';

/**
 * An HTTP push worker compatible with Elastic Beanstalk's sqsd: long-polls one queue and POSTs each
 * message's body to the application with sqsd's headers; a 2xx deletes the message, anything else
 * (or no answer within the inactivity timeout) leaves it for a retry after the error visibility
 * timeout, and the queue's RedrivePolicy (or `maxRetries` with `deadLetterQueueUrl`) dead-letters it.
 *
 * ```ts
 * const worker = new PushWorker({ client, queueUrl, url: 'http://127.0.0.1:8080/jobs' }).start();
 * worker.stopOnSignals();
 * ```
 */
export class PushWorker {
  private readonly events = new TypedEvents<PushWorkerEvents>();
  private readonly counters: PushWorkerStats = {
    delivered: 0,
    failed: 0,
    'dead-lettered': 0,
    expired: 0,
    scheduled: 0,
    error: 0,
  };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly capacity: Capacity;
  private readonly acks: Acknowledger;
  private readonly queueName: string;
  private readonly inFlight = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  private pollController: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private stopCron: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: PushWorkerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.capacity = new Capacity(positive('connections', options.connections ?? 50));
    this.acks = new Acknowledger(options.client, options.queueUrl, this.clock);
    this.queueName = decodeURIComponent(new URL(options.queueUrl).pathname.split('/').pop() ?? '');
    new URL(options.url); // throws TypeError on a malformed URL, at construction
    for (const name of Object.keys(this.counters) as (keyof PushWorkerEvents)[])
      this.events.on(name, () => this.counters[name]++);
  }

  /** Listens for an observability event; returns the unsubscribe function. */
  on<K extends keyof PushWorkerEvents>(name: K, fn: (event: PushWorkerEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  /** Counters, one per event. */
  get stats(): Readonly<PushWorkerStats> {
    return { ...this.counters };
  }

  /** POSTs under way. */
  get activeRequests(): number {
    return this.inFlight.size;
  }

  /** Starts polling and the periodic tasks' schedule (idempotent). */
  start(): this {
    if (this.pollController || this.stopping) return this;
    const controller = new AbortController();
    this.pollController = controller;
    const pollers = Math.max(1, Math.min(10, Math.ceil(this.capacity.limit / 10)));
    for (let i = 0; i < pollers; i++)
      this.loops.push(
        pollLoop({
          capacity: this.capacity,
          batchSize: 10,
          clock: this.clock,
          signal: controller.signal,
          receive: (max, signal) => this.receive(max, signal),
          deliver: (messages) => {
            for (const message of messages) this.track(message);
          },
          onError: (error, failures) => {
            this.logger.warn({ err: error, failures }, 'receive failed; backing off');
            this.events.emit('error', { error, phase: 'receive' });
          },
        }),
      );
    if (this.options.cron?.length)
      this.stopCron = schedule(this.options.cron, this.clock, (task, at) => void this.enqueue(task, at));
    return this;
  }

  /**
   * Graceful stop: the schedule and the long polls end at once, nothing new starts, POSTs under way
   * finish (up to `shutdownTimeoutMs`, then they are aborted and their messages released), pending
   * deletes are flushed. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopCron?.();
      await drain({
        abortPolling: () => this.pollController?.abort(),
        loops: () => Promise.all(this.loops),
        releaseWaiting: () => {},
        inFlight: () => [...this.inFlight],
        flush: () => this.acks.flush(),
        clock: this.clock,
        timeoutMs: this.options.shutdownTimeoutMs ?? 30_000,
      });
    })();
    return this.stopping;
  }

  /** Stops gracefully on the first of `signals` (default SIGTERM and SIGINT); returns the remover. */
  stopOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    return onSignals(signals, () => this.stop());
  }

  private async receive(max: number, signal: AbortSignal): Promise<Message[]> {
    const out = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        VisibilityTimeout: this.options.visibilityTimeout ?? 300,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return out.Messages ?? [];
  }

  private track(message: Message): void {
    const controller = new AbortController();
    const work = { controller, done: Promise.resolve() as Promise<unknown> };
    work.done = this.process(message, controller.signal)
      .catch((error) => this.events.emit('error', { error, phase: 'process', messageId: message.MessageId }))
      .finally(() => {
        this.inFlight.delete(work);
        this.capacity.release(1);
      });
    this.inFlight.add(work);
  }

  private async process(message: Message, signal: AbortSignal): Promise<void> {
    const id = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    const count = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    const ageSeconds =
      (this.clock.now() - Number(message.Attributes?.SentTimestamp ?? this.clock.now())) / 1000;
    if (ageSeconds > (this.options.retentionPeriod ?? 345_600)) {
      this.logger.warn(
        { messageId: id, ageSeconds },
        'message older than the retention period; deleted unsent',
      );
      this.events.emit('expired', { messageId: id, ageSeconds });
      return this.acks.delete(handle).catch((error) => this.report(error, 'delete', id));
    }
    const task = periodicTaskOf(message);
    const target = task ? new URL(task.path, this.options.url).href : this.options.url;
    const started = this.clock.now();
    const result = await post(
      target,
      message.Body ?? '',
      sqsdHeaders(message, this.queueName, this.options.mimeType ?? 'application/json'),
      (this.options.inactivityTimeout ?? 299) * 1000,
      signal,
    );
    if (result.ok) {
      this.events.emit('delivered', {
        messageId: id,
        status: result.status,
        durationMs: this.clock.now() - started,
        ...(task ? { task: task.name } : {}),
      });
      return this.acks.delete(handle).catch((error) => this.report(error, 'delete', id));
    }
    const dlq = this.options.deadLetterQueueUrl;
    if (dlq !== undefined && count >= (this.options.maxRetries ?? 10) && !this.stopping) {
      const reason = `POST ${target} failed ${count} times; last: ${result.reason}`;
      try {
        await sendToDeadLetterQueue(this.options.client, dlq, message, reason, this.clock);
        this.events.emit('dead-lettered', { messageId: id, reason });
        return await this.acks.delete(handle);
      } catch (error) {
        this.report(error, 'dead-letter', id);
      }
    }
    const delaySeconds = this.stopping
      ? 0
      : this.options.backoff
        ? Math.ceil(backoffDelay(count, this.options.backoff) / 1000)
        : (this.options.errorVisibilityTimeout ?? 2);
    this.logger.warn(
      { messageId: id, reason: result.reason, receiveCount: count },
      'POST failed; retrying later',
    );
    this.events.emit('failed', {
      messageId: id,
      receiveCount: count,
      reason: result.reason,
      ...(result.status === undefined ? {} : { status: result.status }),
      delaySeconds,
    });
    await this.acks.changeVisibility(handle, delaySeconds).catch((error) => this.report(error, 'retry', id));
  }

  private async enqueue(task: CronTask, at: Date): Promise<void> {
    const scheduledAt = at.toISOString();
    const attributes: Record<string, MessageAttributeValue> = {
      [PERIODIC_ATTRIBUTES.taskName]: { DataType: 'String', StringValue: task.name },
      [PERIODIC_ATTRIBUTES.scheduledAt]: { DataType: 'String', StringValue: scheduledAt },
      [PERIODIC_ATTRIBUTES.path]: { DataType: 'String', StringValue: task.url },
    };
    const fifo = this.options.queueUrl.endsWith('.fifo');
    try {
      await this.options.client.send(
        new SendMessageCommand({
          QueueUrl: this.options.queueUrl,
          MessageBody: PERIODIC_BODY,
          MessageAttributes: attributes,
          ...(fifo
            ? { MessageGroupId: task.name, MessageDeduplicationId: `${task.name}-${at.getTime()}` }
            : {}),
        }),
      );
      this.events.emit('scheduled', { task: task.name, scheduledAt });
    } catch (error) {
      this.report(error, 'schedule');
    }
  }

  private report(error: unknown, phase: string, messageId?: string): void {
    this.logger.error({ err: error, phase, messageId }, `worker ${phase} failed`);
    this.events.emit('error', messageId === undefined ? { error, phase } : { error, phase, messageId });
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer ≥ 1 (got ${value})`);
  return value;
}
