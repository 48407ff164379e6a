import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Clock, systemClock } from '../clock.js';
import { type Logger, silentLogger } from '../logger.js';
import { Acknowledger } from './acks.js';
import type { BackoffOptions } from './backoff.js';
import { Capacity } from './capacity.js';
import { dispatch } from './dispatcher.js';
import { defaultErrorClassifier, type ErrorClassifier } from './errors.js';
import { type ListenerEvents, type ListenerStats, TypedEvents } from './events.js';
import { FifoGroups } from './fifo.js';
import { startHeartbeat } from './heartbeat.js';
import { timeout } from './middleware/timeout.js';
import { combine, OutcomeMemory } from './outcomes.js';
import { pollLoop } from './poller.js';
import { Settler } from './settle.js';
import { drain, onSignals } from './shutdown.js';
import { type AnySubscriber, type Subscription, toSubscription } from './subscribers.js';
import type { Handler, Middleware, SubscriberOptions, SubscriberPattern } from './types.js';

/** Options of {@link Listener}. Durations say their unit; every option has a default. */
export interface ListenerOptions {
  /** The official SQS client (pointed at the broker or at AWS). */
  client: SQSClient;
  queueUrl: string;
  /** Messages processed at once, over all subscribers (default 10). Independent of `batchSize`. */
  concurrency?: number;
  /** Most messages per ReceiveMessage, 1–10 (default 10). */
  batchSize?: number;
  /** Long-poll wait, seconds, 0–20 (default 20). */
  waitTimeSeconds?: number;
  /** Visibility timeout asked for on receive and renewed by the heartbeat, seconds (default 30). */
  visibilityTimeout?: number;
  /** Visibility heartbeat period, seconds (default: half the visibility timeout); `false` disables it. */
  heartbeatSeconds?: number | false;
  /** Handler timeout, ms: aborts the handler's signal and counts as a retriable error (default: none). */
  handlerTimeoutMs?: number;
  /** Receives after which a message needing a retry goes to the dead-letter queue (default 5). */
  maxAttempts?: number;
  /** Backoff between retries, applied with ChangeMessageVisibility (default: 1 s doubling to 5 min, equal jitter). */
  backoff?: BackoffOptions;
  /** Where fatal, exhausted and poison messages go. Without it the queue's RedrivePolicy acts. */
  deadLetterQueueUrl?: string;
  /** Messages no subscriber matches: `delete` (default, logged and counted), `dead-letter`, or `leave`. */
  unmatched?: 'delete' | 'dead-letter' | 'leave';
  /** Maps handler exceptions to statuses (default {@link defaultErrorClassifier}). */
  classifyError?: ErrorClassifier;
  /** Middleware around every subscriber's handler, outermost first. */
  middleware?: Middleware[];
  /** FIFO processing (default: the queue URL ends with `.fifo`). */
  fifo?: boolean;
  /** How long `stop()` lets in-flight handlers finish, ms (default 30,000). */
  shutdownTimeoutMs?: number;
  /** Messages whose per-subscriber outcomes are remembered for redeliveries (default 10,000). */
  outcomeMemory?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Consumes one SQS queue: long-polls, decodes (SNS envelopes transparently), dispatches every message
 * to each matching subscriber concurrently, and settles it: deleted when all are done, retried with
 * backoff, or dead-lettered.
 *
 * ```ts
 * const listener = new Listener({ client: new SQSClient({}), queueUrl });
 * listener.subscribe({ event: { name: 'order.placed' } }, async (event) => { ... });
 * listener.start();
 * listener.stopOnSignals(); // SIGTERM/SIGINT → graceful stop
 * ```
 */
export class Listener {
  private readonly subscriptions: Subscription[] = [];
  private readonly events = new TypedEvents<ListenerEvents>();
  private readonly counters: ListenerStats = {
    received: 0,
    processed: 0,
    retried: 0,
    'dead-lettered': 0,
    unmatched: 0,
    error: 0,
  };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly capacity: Capacity;
  private readonly acks: Acknowledger;
  private readonly memory: OutcomeMemory;
  private readonly settler: Settler;
  private readonly fifo: FifoGroups | undefined;
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  private pollController: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private stopping: Promise<void> | undefined;
  private readonly middleware: Middleware[];

  constructor(private readonly options: ListenerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.capacity = new Capacity(options.concurrency ?? 10);
    this.acks = new Acknowledger(options.client, options.queueUrl, this.clock);
    this.memory = new OutcomeMemory(options.outcomeMemory);
    this.middleware = [
      ...(options.middleware ?? []),
      ...(options.handlerTimeoutMs === undefined ? [] : [timeout(options.handlerTimeoutMs, this.clock)]),
    ];
    this.settler = new Settler({
      client: options.client,
      acks: this.acks,
      memory: this.memory,
      events: this.events,
      clock: this.clock,
      logger: this.logger,
      deadLetterQueueUrl: options.deadLetterQueueUrl,
      queueUrl: options.queueUrl,
      backoff: options.backoff ?? {},
      stopping: () => this.stopping !== undefined,
    });
    for (const name of Object.keys(this.counters) as (keyof ListenerEvents)[])
      this.events.on(name, () => this.counters[name]++);
    if (options.fifo ?? options.queueUrl.endsWith('.fifo'))
      this.fifo = new FifoGroups(
        (message) => this.process(message),
        (messages) => this.releaseUnstarted(messages),
      );
  }

  /**
   * Adds a subscriber: a definition (`{ pattern, handler, kind }`), a class-based
   * `EventSubscriber`/`DataSubscriber`/`MessageSubscriber`, or a pattern and a handler.
   */
  subscribe(subscriber: AnySubscriber): this;
  subscribe<P = unknown>(
    pattern: SubscriberPattern | undefined,
    handler: Handler<P>,
    options?: SubscriberOptions,
  ): this;
  subscribe(first: unknown, handler?: Handler<never>, options: SubscriberOptions = {}): this {
    const subscriber = (
      handler === undefined
        ? first
        : { ...options, handler, ...(first === undefined ? {} : { pattern: first }) }
    ) as AnySubscriber;
    const subscription = toSubscription(
      subscriber,
      `subscriber-${this.subscriptions.length + 1}`,
      this.middleware,
    );
    if (this.subscriptions.some((s) => s.name === subscription.name))
      throw new Error(`a subscriber named ${subscription.name} is already registered; give it a unique name`);
    this.subscriptions.push(subscription);
    return this;
  }

  /** Listens for an observability event; returns the unsubscribe function. */
  on<K extends keyof ListenerEvents>(name: K, fn: (event: ListenerEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  /** Counters, one per event (`received`, `processed`, `unmatched`, …). */
  get stats(): Readonly<ListenerStats> {
    return { ...this.counters };
  }

  /** Messages being processed or waiting (received, not yet settled). */
  get activeMessages(): number {
    return this.capacity.inUse;
  }

  /** Starts polling (idempotent). */
  start(): this {
    if (this.pollController || this.stopping) return this;
    const controller = new AbortController();
    this.pollController = controller;
    const batchSize = Math.min(10, Math.max(1, this.options.batchSize ?? 10));
    const pollers = Math.max(1, Math.min(10, Math.ceil(this.capacity.limit / batchSize)));
    for (let i = 0; i < pollers; i++)
      this.loops.push(
        pollLoop({
          capacity: this.capacity,
          batchSize,
          clock: this.clock,
          signal: controller.signal,
          receive: (max, signal) => this.receive(max, signal),
          deliver: (messages) => this.deliver(messages),
          onError: (error, failures) => {
            this.logger.warn({ err: error, failures }, 'receive failed; backing off');
            this.events.emit('error', { error, phase: 'receive' });
          },
        }),
      );
    return this;
  }

  /**
   * Graceful shutdown: ends the long poll at once, stops taking messages, releases received but
   * unstarted ones (visibility 0), lets in-flight handlers finish up to `shutdownTimeoutMs` (then
   * aborts their signals), flushes pending deletes, and resolves. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= drain({
      abortPolling: () => this.pollController?.abort(),
      loops: () => Promise.all(this.loops),
      releaseWaiting: () => this.fifo?.releaseWaiting(),
      inFlight: () => [...this.inFlight.values()],
      flush: () => this.acks.flush(),
      clock: this.clock,
      timeoutMs: this.options.shutdownTimeoutMs ?? 30_000,
    });
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
        VisibilityTimeout: this.options.visibilityTimeout ?? 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return out.Messages ?? [];
  }

  private deliver(messages: Message[]): void {
    for (const message of messages) {
      this.events.emit('received', {
        messageId: message.MessageId ?? '',
        receiveCount: receiveCount(message),
        message,
      });
      if (this.stopping) this.releaseUnstarted([message]);
      else if (this.fifo) this.fifo.submit(message);
      else void this.process(message);
    }
  }

  private releaseUnstarted(messages: Message[]): void {
    for (const message of messages)
      void this.settler.release(message).finally(() => this.capacity.release(1));
  }

  /** Runs one message to its verdict; resolves true when it left the queue. Holds one capacity slot. */
  private async process(message: Message): Promise<boolean> {
    const id = message.MessageId ?? '';
    const controller = new AbortController();
    const done = this.run(message, controller.signal).finally(() => {
      this.inFlight.delete(id);
      this.capacity.release(1);
    });
    this.inFlight.set(id, { controller, done });
    return done;
  }

  private async run(message: Message, signal: AbortSignal): Promise<boolean> {
    const started = this.clock.now();
    const count = receiveCount(message);
    const id = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    const visibility = this.options.visibilityTimeout ?? 30;
    const heartbeatSeconds = this.options.heartbeatSeconds ?? visibility / 2;
    const heartbeat =
      heartbeatSeconds === false
        ? undefined
        : startHeartbeat(
            this.clock,
            heartbeatSeconds * 1000,
            () => this.acks.changeVisibility(handle, visibility),
            (error) => this.events.emit('error', { error, phase: 'heartbeat', messageId: id }),
          );
    try {
      const outcome = await dispatch(
        {
          message,
          receiveCount: count,
          signal,
          extendVisibility: (seconds) => this.acks.changeVisibility(handle, seconds),
        },
        this.subscriptions,
        this.memory,
        this.options.classifyError ?? defaultErrorClassifier,
      );
      heartbeat?.stop();
      switch (outcome.kind) {
        case 'confirmation':
          this.logger.info({ messageId: id }, 'SNS subscription handshake message deleted');
          return this.settler.delete(message);
        case 'poison':
          return this.settler.deadLetter(message, count, outcome.reason);
        case 'unmatched':
          return this.unmatched(message, count, outcome.decoded.kind);
      }
      const verdict = combine(Object.values(outcome.statuses));
      for (const [subscriber, error] of Object.entries(outcome.errors)) {
        this.logger.warn({ err: error, messageId: id, subscriber }, 'handler failed');
        this.events.emit('error', { error, phase: 'handler', messageId: id });
      }
      this.events.emit('processed', {
        messageId: id,
        verdict,
        statuses: outcome.statuses,
        durationMs: this.clock.now() - started,
      });
      if (verdict === 'done') return this.settler.delete(message);
      if (verdict === 'fatal')
        return this.settler.deadLetter(message, count, `fatal-error: ${describe(outcome)}`);
      if (count >= (this.options.maxAttempts ?? 5))
        return this.settler.deadLetter(
          message,
          count,
          `max attempts (${count}) reached: ${describe(outcome)}`,
        );
      return this.settler.retry(message, count);
    } finally {
      heartbeat?.stop();
    }
  }

  private async unmatched(message: Message, count: number, kind: string): Promise<boolean> {
    const id = message.MessageId ?? '';
    if (kind === 'text' || kind === 'binary') {
      // A raw payload nobody handles is a poison message: never deleted silently.
      return this.settler.deadLetter(message, count, `no subscriber handles ${kind} payloads`);
    }
    const action = this.options.unmatched ?? 'delete';
    this.logger.info({ messageId: id, action }, 'no subscriber matched the message');
    this.events.emit('unmatched', { messageId: id, action });
    if (action === 'delete') return this.settler.delete(message);
    if (action === 'dead-letter') return this.settler.deadLetter(message, count, 'no subscriber matched');
    return false; // 'leave': it comes back after its visibility timeout
  }
}

function receiveCount(message: Message): number {
  return Number(message.Attributes?.ApproximateReceiveCount ?? 1);
}

function describe(outcome: { statuses: Record<string, string>; errors: Record<string, unknown> }): string {
  return Object.entries(outcome.statuses)
    .filter(([, status]) => status !== 'done')
    .map(([name, status]) => {
      const error = outcome.errors[name];
      return error === undefined
        ? `${name}: ${status}`
        : `${name}: ${status}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    })
    .join('; ');
}
