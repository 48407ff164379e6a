import { setMaxListeners } from 'node:events';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type Clock, systemClock } from '../clock.js';
import type { SqsMessageAttribute } from '../codec/attributes.js';
import { type DecodedMessage, decodeMessage } from '../codec/decode.js';
import { type Logger, silentLogger } from '../logger.js';
import type { BackoffOptions } from './backoff.js';
import { Capacity } from './capacity.js';
import { deferralOf, isDeferral } from './defer.js';
import {
  checkDeferral,
  type DeferralOptions,
  Deferrer,
  delayedQueueOptions,
  FlowOptionError,
} from './deferrer.js';
import { dispatch } from './dispatcher.js';
import { defaultErrorClassifier, type ErrorClassifier } from './errors.js';
import { type ListenerEvents, type ListenerStats, TypedEvents } from './events.js';
import { FifoGroups } from './fifo.js';
import { startHeartbeat } from './heartbeat.js';
import { type ListenerInstrumentation, wrapAll } from './instrumentation.js';
import { timeout } from './middleware/timeout.js';
import { combine, OutcomeMemory } from './outcomes.js';
import { pollLoop } from './poller.js';
import { priorityLoop } from './priority/loop.js';
import {
  ListenerOptionError,
  type ListenerQueue,
  type PriorityOptions,
  type ResolvedQueue,
  resolveQueues,
} from './priority/options.js';
import { lanes } from './priority/schedule.js';
import type { Settler } from './settle.js';
import { drain, onSignals } from './shutdown.js';
import { createSource, type QueueSource, readSourceRedrive } from './source.js';
import { type AnySubscriber, type Subscription, toSubscription } from './subscribers.js';
import type {
  Handler,
  Middleware,
  SubscriberOptions,
  SubscriberPattern,
  TypedSubscriberDefinition,
} from './types.js';

/** Options of {@link Listener}. Durations say their unit; every option has a default. */
export interface ListenerOptions {
  /** The official SQS client (pointed at the broker or at AWS). */
  client: SQSClient;
  /** The queue to consume. Exactly one of `queueUrl` and `queues` is given. */
  queueUrl?: string;
  /**
   * Several queues to consume with one listener, in priority order for the `strict` policy (see
   * `priority`): one concurrency, one set of subscribers, and per queue its own deletes, heartbeats,
   * dead-letter queue, RedrivePolicy and FIFO ordering. Exactly one of `queueUrl` and `queues`.
   */
  queues?: readonly ListenerQueue[];
  /** How `queues` share the receives: `{ policy: 'strict' }` (default) or `{ policy: 'weighted' }`. */
  priority?: PriorityOptions;
  /** Messages processed at once, over all subscribers (default 10). Independent of `batchSize`. */
  concurrency?: number;
  /**
   * Messages received beyond `concurrency`, waiting for a handler slot (default 0: receives only into
   * free slots), 0–100. With `concurrency: 1, prefetch: 9` one receive brings ten messages that run one
   * after the other instead of one receive per message. A prefetched message is invisible while it
   * waits, with no heartbeat (it starts when a slot frees): keep the wait — `prefetch / concurrency`
   * handler durations — well under `visibilityTimeout`. `stop()` releases those still waiting.
   */
  prefetch?: number;
  /** Most messages per ReceiveMessage, 1–10 (default 10). */
  batchSize?: number;
  /** Long-poll wait, seconds, 0–20 (default 20). */
  waitTimeSeconds?: number;
  /**
   * How long a delete may wait for others to share its DeleteMessageBatch call, ms (default 10; 0:
   * only deletes issued in the same event-loop turn go together). Ten waiting deletes go at once and
   * `stop()` sends what waits. A message whose handlers are done gives its concurrency slot back
   * while its delete waits or is under way, so the wait delays no receive; at most
   * `max(2 × concurrency, 40)` messages are in that state, beyond it a message keeps its slot until
   * its delete has landed. A message done but not yet deleted when the process dies is redelivered
   * (at-least-once), as it would be with any delete lost in transit.
   */
  deleteLingerMs?: number;
  /** Visibility timeout asked for on receive and renewed by the heartbeat, seconds (default 30). */
  visibilityTimeout?: number;
  /** Visibility heartbeat period, seconds (default: half the visibility timeout); `false` disables it. */
  heartbeatSeconds?: number | false;
  /** Handler timeout, ms: aborts the handler's signal and counts as a retriable error (default: none). */
  handlerTimeoutMs?: number;
  /**
   * Receives after which a message needing a retry goes to the dead-letter queue (default 5, lowered
   * to the queue's `maxReceiveCount` when its RedrivePolicy has a smaller one: see `readRedrivePolicy`).
   */
  maxAttempts?: number;
  /**
   * Backoff between retries, applied with ChangeMessageVisibility (default: 1 s doubling to 5 min,
   * equal jitter). Values are in ms but every delay is rounded **up to whole seconds**, since SQS
   * visibility timeouts are in seconds: a 200 ms backoff waits 1 s. Sub-second `initialMs`/`maxMs`
   * (other than 0) raise a `warning` event (`backoff-rounded`) at start.
   */
  backoff?: BackoffOptions;
  /**
   * Where fatal, exhausted and poison messages go, with the `mega-dead-letter-reason` attribute.
   * Default: the queue's RedrivePolicy target, when it has one (read at start); with neither, such
   * messages are left (backed off) for SQS and an `error` event is emitted.
   */
  deadLetterQueueUrl?: string;
  /**
   * Read the queue's RedrivePolicy at start (GetQueueAttributes) to dead-letter before SQS's redrive
   * does it silently: `maxAttempts` is lowered to its `maxReceiveCount` (a `warning` event
   * `max-attempts-above-max-receive-count` when `maxAttempts` was set higher), and its target is the
   * default dead-letter queue. Default true; a failed read is a `warning` (`redrive-policy-unread`).
   */
  readRedrivePolicy?: boolean;
  /** Messages no subscriber matches: `delete` (default, logged and counted), `dead-letter`, or `leave`. */
  unmatched?: 'delete' | 'dead-letter' | 'leave';
  /** Maps handler exceptions to statuses (default {@link defaultErrorClassifier}). */
  classifyError?: ErrorClassifier;
  /** Middleware around every subscriber's handler, outermost first. */
  middleware?: Middleware[];
  /** Observability hooks, e.g. `listenerMetrics()` (`sqs-mega/metrics`) and `listenerTracing()` (`sqs-mega/tracing`). Default: none. */
  instrument?: readonly ListenerInstrumentation[];
  /** FIFO processing (default: the queue URL ends with `.fifo`). */
  fifo?: boolean;
  /** How long `stop()` lets in-flight handlers finish, ms (default 30,000). */
  shutdownTimeoutMs?: number;
  /** Messages whose per-subscriber outcomes are remembered for redeliveries (default 10,000). */
  outcomeMemory?: number;
  /** How deferred messages wait (`DeferError`, flow control): see {@link DeferralOptions}. Default: by visibility. */
  deferral?: DeferralOptions;
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
    deferred: 0,
    unmatched: 0,
    released: 0,
    warning: 0,
    error: 0,
  };
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Messages received and not settled: `concurrency + prefetch` (what the poll loops receive into). */
  private readonly capacity: Capacity;
  /** Handlers running: `concurrency`. A received message waits here for a slot when `prefetch` > 0. */
  private readonly handlers: Capacity | undefined;
  private readonly memory: OutcomeMemory;
  /** The queues consumed: one for `queueUrl`, several for `queues` (in the order given). */
  private readonly sources: QueueSource[];
  private readonly policy: 'strict' | 'weighted';
  private readonly queues: ResolvedQueue[];
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  private pollController: AbortController | undefined;
  private readonly receiveController = new AbortController();
  private readonly decodedMessages = new WeakMap<Message, DecodedMessage>();
  private loops: Promise<void>[] = [];
  /** Messages done, their slot given back, their delete waiting or under way (see `deleteLingerMs`). */
  private deleting = 0;
  /** Slots given back in this event-loop turn, released together at its end (see `releaseSoon`). */
  private releasing = 0;
  private stopping: Promise<void> | undefined;
  private readonly middleware: Middleware[];
  private readonly instrument: readonly ListenerInstrumentation[];
  private readonly deferrer: Deferrer;
  /** The listener on the delayed queue (`deferral.delayedQueueUrl`), same subscribers. */
  private readonly delayed: Listener | undefined;

  /** @throws `FlowOptionError` for `deferral` options it cannot honour (e.g. reroute without a queue). */
  constructor(private readonly options: ListenerOptions) {
    const { policy, queues } = resolveQueues(options);
    this.policy = policy;
    this.queues = queues;
    if (options.deferral && queues.length > 1)
      throw new FlowOptionError(
        'deferral',
        options.deferral,
        'a listener of one queue (queueUrl): deferral over several queues is not supported yet',
      );
    checkDeferral(options.deferral, (queues[0] as ResolvedQueue).url);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    const prefetch = options.prefetch ?? 0;
    if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > 100)
      throw new ListenerOptionError('prefetch', prefetch, 'must be an integer from 0 to 100');
    const concurrency = options.concurrency ?? 10;
    this.capacity = new Capacity(concurrency + prefetch);
    this.handlers = prefetch > 0 ? new Capacity(concurrency) : undefined;
    this.memory = new OutcomeMemory(options.outcomeMemory);
    this.instrument = options.instrument ?? [];
    this.middleware = [
      ...this.instrument.flatMap((i) => (i.middleware ? [i.middleware] : [])),
      ...(options.middleware ?? []),
      ...(options.handlerTimeoutMs === undefined ? [] : [timeout(options.handlerTimeoutMs, this.clock)]),
    ];
    const deps = {
      client: options.client,
      memory: this.memory,
      events: this.events,
      clock: this.clock,
      logger: this.logger,
      backoff: options.backoff ?? {},
      stopping: () => this.stopping !== undefined,
      decoded: (message: Message) => this.decode(message),
    };
    this.sources = queues.map((queue) => {
      const source = createSource(queue, deps, options.maxAttempts ?? 5, options.deleteLingerMs ?? 10);
      if (queue.fifo)
        source.fifo = new FifoGroups(
          (message) => this.process(message, source),
          (messages) => this.releaseUnstarted(messages, 'fifo-group', source),
        );
      return source;
    });
    const first = this.sources[0] as QueueSource;
    this.deferrer = new Deferrer({
      ...options,
      queueUrl: first.url,
      acks: first.acks,
      settler: first.settler,
      events: this.events,
      clock: this.clock,
      logger: this.logger,
      options: options.deferral ?? {},
      maxAttempts: () => first.maxAttempts,
    });
    const delayed =
      options.queueUrl === undefined
        ? undefined
        : delayedQueueOptions({ ...options, queueUrl: options.queueUrl });
    this.delayed = delayed && new Listener(delayed);
    for (const name of Object.keys(this.counters) as (keyof ListenerEvents)[])
      this.events.on(name, () => this.counters[name]++);
    const queueUrls = this.sources.map((s) => s.url);
    for (const i of this.instrument)
      i.attach?.({
        queueUrl: queueUrls[0] as string,
        queueUrls,
        client: options.client,
        on: (name, fn) => this.on(name, fn),
      });
  }

  /**
   * Adds a subscriber: a definition (`{ pattern, handler, kind }`), a class-based
   * `EventSubscriber`/`DataSubscriber`/`MessageSubscriber`/`TextSubscriber`/`BinarySubscriber`, or a
   * pattern and a handler. The last argument, {@link SubscriberOptions}, is the one place for the
   * subscriber's `name` (and `concurrency`, `middleware`, `syntax`) in every form.
   * @throws {@link SubscriberPatternError} for a pattern that can never match a payload (a JSON
   * pattern compiled in `MessageAttributes` scope); `Error` for a duplicate name.
   */
  subscribe<S extends StandardSchemaV1>(
    subscriber: TypedSubscriberDefinition<S>,
    options?: SubscriberOptions,
  ): this;
  subscribe(subscriber: AnySubscriber, options?: SubscriberOptions): this;
  subscribe<P = unknown>(
    pattern: SubscriberPattern | undefined,
    handler: Handler<P>,
    options?: SubscriberOptions,
  ): this;
  subscribe(
    first: unknown,
    second?: Handler<never> | SubscriberOptions,
    third: SubscriberOptions = {},
  ): this {
    const functional = typeof second === 'function';
    const subscriber = (
      functional ? { handler: second, ...(first === undefined ? {} : { pattern: first }) } : first
    ) as AnySubscriber;
    const options = (functional ? third : (second ?? {})) as SubscriberOptions;
    const subscription = toSubscription(
      subscriber,
      `subscriber-${this.subscriptions.length + 1}`,
      this.middleware,
      options,
    );
    if (this.subscriptions.some((s) => s.name === subscription.name))
      throw new Error(`a subscriber named ${subscription.name} is already registered; give it a unique name`);
    this.subscriptions.push(subscription);
    this.delayed?.subscribe(subscriber, { ...options, name: subscription.name });
    return this;
  }

  /** Listens for an observability event; returns the unsubscribe function. */
  on<K extends keyof ListenerEvents>(name: K, fn: (event: ListenerEvents[K]) => void): () => void {
    const off = this.delayed?.on(name, fn);
    const own = this.events.on(name, fn);
    if (!off) return own;
    return () => {
      own();
      off();
    };
  }

  /** Counters, one per event (`received`, `processed`, `unmatched`, …). */
  get stats(): Readonly<ListenerStats> {
    const delayed = this.delayed?.stats;
    if (!delayed) return { ...this.counters };
    const sum = { ...this.counters };
    for (const key of Object.keys(sum) as (keyof ListenerStats)[]) sum[key] += delayed[key];
    return sum;
  }

  /**
   * Messages being processed or waiting (received, not yet settled). A message whose handlers are
   * done stops counting while its delete is under way (see `deleteLingerMs`).
   */
  get activeMessages(): number {
    return this.capacity.inUse + (this.delayed?.activeMessages ?? 0);
  }

  /**
   * Starts polling (idempotent). First checks the configuration (sub-second backoff) and, unless
   * `readRedrivePolicy: false`, reads the queue's RedrivePolicy; `warning` events report what it found.
   */
  start(): this {
    if (this.pollController || this.stopping) return this;
    this.delayed?.start();
    const controller = new AbortController();
    // Every poll loop (up to 10) waits on this signal in several places at once (capacity, its second
    // receive, backoff sleeps), each removing its listener when woken: more than Node's default of 10
    // listeners is expected, not a leak, and must not print MaxListenersExceededWarning.
    setMaxListeners(100, controller.signal, this.receiveController.signal);
    this.pollController = controller;
    const ready = this.prepare();
    const batchSize = Math.min(10, Math.max(1, this.options.batchSize ?? 10));
    const pollers = Math.max(1, Math.min(10, Math.ceil(this.capacity.limit / batchSize)));
    if (this.sources.length > 1) {
      this.loops.push(this.priorityLoop(controller.signal, ready, batchSize, pollers));
      return this;
    }
    const source = this.sources[0] as QueueSource;
    for (let i = 0; i < pollers; i++)
      this.loops.push(
        pollLoop({
          capacity: this.capacity,
          batchSize,
          clock: this.clock,
          signal: controller.signal,
          receive: async (max) => {
            await ready;
            return this.receive(source, max, this.waitTimeSeconds);
          },
          deliver: (messages) => this.deliver(messages, source),
          onError: (error, failures) => {
            this.logger.warn({ err: error, failures }, 'receive failed; backing off');
            this.events.emit('error', { error, phase: 'receive' });
          },
        }),
      );
    return this;
  }

  /**
   * Graceful shutdown: starts no more receives and lets those under way land — up to
   * `waitTimeSeconds` for an idle long poll, bounded by `shutdownTimeoutMs` — so no received message
   * is lost in transit; releases every message received but not started (visibility 0, a `released`
   * event each); lets in-flight handlers finish up to `shutdownTimeoutMs` (then aborts their
   * signals); flushes pending deletes; and resolves. Idempotent.
   *
   * `stop({ abort: true })` aborts the receives under way instead, for a stop that does not wait for
   * a long poll: a receive whose response was already on its way is then lost, and its messages stay
   * invisible until their visibility timeout (each having used one receive).
   */
  stop(options: { abort?: boolean } = {}): Promise<void> {
    if (options.abort && this.stopping) this.receiveController.abort();
    this.stopping ??= drain({
      stopPolling: () => this.pollController?.abort(),
      abortReceives: () => this.receiveController.abort(),
      abort: options.abort ?? false,
      loops: () => Promise.all(this.loops),
      releaseWaiting: () => {
        for (const source of this.sources) {
          source.fifo?.releaseWaiting();
          void source.acks.flush(); // the deletes waiting for a batch go now, not after their linger
        }
      },
      inFlight: () => [...this.inFlight.values()],
      flush: () => Promise.all(this.sources.map((s) => s.acks.flush())).then(() => {}),
      clock: this.clock,
      timeoutMs: this.options.shutdownTimeoutMs ?? 30_000,
    });
    return this.delayed
      ? Promise.all([this.stopping, this.delayed.stop(options)]).then(() => {})
      : this.stopping;
  }

  /** Stops gracefully on the first of `signals` (default SIGTERM and SIGINT); returns the remover. */
  stopOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    return onSignals(signals, () => this.stop());
  }

  /** The long-poll wait, seconds. */
  private get waitTimeSeconds(): number {
    return this.options.waitTimeSeconds ?? 20;
  }

  /** The receive loop over several queues: which one gets the free slots is `priority.policy`'s choice. */
  private priorityLoop(signal: AbortSignal, ready: Promise<void>, batchSize: number, pollers: number) {
    return priorityLoop({
      capacity: this.capacity,
      lanes: lanes(this.queues),
      policy: this.policy,
      batchSize,
      waitTimeSeconds: this.waitTimeSeconds,
      maxWorkReceives: Math.min(20, Math.max(2 * pollers, this.sources.length)),
      clock: this.clock,
      signal,
      receive: async (queue, max, waitSeconds) => {
        await ready;
        return this.receive(this.sources[queue] as QueueSource, max, waitSeconds);
      },
      deliver: (queue, messages) => this.deliver(messages, this.sources[queue] as QueueSource),
      onError: (error, failures, queue) => {
        const queueUrl = this.sources[queue]?.url;
        this.logger.warn({ err: error, failures, queueUrl }, 'receive failed; backing off');
        this.events.emit('error', { error, phase: 'receive', queueUrl });
      },
    });
  }

  private receive(source: QueueSource, max: number, waitSeconds: number): Promise<Message[]> {
    const work = () => this.receiveOnce(source.url, max, waitSeconds, this.receiveController.signal);
    if (this.instrument.length === 0) return work();
    return wrapAll(this.instrument, (i, inner) => i.receive?.(source.url, inner), work);
  }

  private async receiveOnce(
    queueUrl: string,
    max: number,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<Message[]> {
    const out = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: this.options.visibilityTimeout ?? 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return out.Messages ?? [];
  }

  /** Checks the options, reads the queue's RedrivePolicy; never rejects (problems are warnings). */
  private async prepare(): Promise<void> {
    const backoff = this.options.backoff ?? {};
    for (const field of ['initialMs', 'maxMs'] as const) {
      const ms = backoff[field];
      if (ms !== undefined && ms > 0 && ms < 1000)
        this.warn(
          'backoff-rounded',
          `backoff.${field} is ${ms} ms, but retries wait whole seconds (SQS visibility timeouts are in seconds): it acts as 1 s`,
        );
    }
    if (this.options.readRedrivePolicy === false) return;
    const several = this.sources.length > 1;
    await Promise.all(
      this.sources.map((source) =>
        readSourceRedrive(source, {
          client: this.options.client,
          logger: this.logger,
          maxAttemptsOption: this.options.maxAttempts,
          configuredDeadLetterQueue: source.deadLetterQueueUrl !== undefined,
          warn: (code, detail, queueUrl) => this.warn(code, detail, several ? queueUrl : undefined),
          where: several ? ` (queue ${source.url})` : '',
        }),
      ),
    );
  }

  private warn(code: string, detail: string, queueUrl?: string): void {
    this.logger.warn({ code, ...(queueUrl ? { queueUrl } : {}) }, detail);
    this.events.emit('warning', { code, detail, ...(queueUrl ? { queueUrl } : {}) });
  }

  /** The message decoded once (on receipt), for the dispatcher and every event. */
  private decode(message: Message): DecodedMessage {
    let decoded = this.decodedMessages.get(message);
    if (!decoded) {
      const attributes = (message.MessageAttributes ?? {}) as Record<string, SqsMessageAttribute>;
      decoded = decodeMessage(message.Body ?? '', attributes);
      this.decodedMessages.set(message, decoded);
    }
    return decoded;
  }

  private deliver(messages: Message[], source: QueueSource): void {
    for (const message of messages) {
      this.events.emit('received', { ...source.settler.facts(message), receiveCount: receiveCount(message) });
      if (this.stopping) this.releaseUnstarted([message], 'stopping', source);
      else if (source.fifo) source.fifo.submit(message);
      else void this.process(message, source);
    }
  }

  private releaseUnstarted(
    messages: Message[],
    reason: 'stopping' | 'fifo-group',
    source: QueueSource,
  ): void {
    for (const message of messages)
      void source.settler.release(message, reason).finally(() => this.capacity.release(1));
  }

  /**
   * Runs one message to its verdict and settles it; resolves true when it left the queue. Holds one
   * capacity slot until its verdict, or, when the verdict is a delete, until the delete is issued
   * (unless `max(2 × concurrency, 40)` deletes are already waiting: then until it lands).
   */
  private async process(message: Message, source: QueueSource): Promise<boolean> {
    const id = message.MessageId ?? '';
    const controller = new AbortController();
    let held = true;
    let deleting = false;
    const deleted = () => {
      if (this.deleting >= Math.max(40, 2 * this.capacity.limit)) return;
      this.deleting++;
      deleting = true;
      held = false;
      this.releaseSoon();
    };
    const work = this.handlers
      ? async () => {
          const handlers = this.handlers as Capacity;
          await handlers.reserve(1);
          let running = true;
          const stopRunning = () => {
            if (running) handlers.release(1);
            running = false;
          };
          try {
            // Prefetched and not started when the stop began: given back, as `stop()` promises.
            if (this.stopping) {
              await source.settler.release(message, 'stopping');
              return false;
            }
            return await this.run(message, controller.signal, source, () => {
              stopRunning();
              deleted();
            });
          } finally {
            stopRunning();
          }
        }
      : () => this.run(message, controller.signal, source, deleted);
    const run =
      this.instrument.length === 0
        ? work()
        : wrapAll(this.instrument, (i, inner) => i.message?.(message, source.url, inner), work);
    const done = run.finally(() => {
      this.inFlight.delete(id);
      if (deleting) this.deleting--;
      if (held) this.capacity.release(1);
    });
    this.inFlight.set(id, { controller, done });
    return done;
  }

  /**
   * Gives back one slot at the end of this event-loop turn, with every other slot given back in it:
   * the poll loops then receive one batch into them all instead of one small receive per slot.
   */
  private releaseSoon(): void {
    if (this.releasing++ > 0) return;
    setImmediate(() => {
      const count = this.releasing;
      this.releasing = 0;
      this.capacity.release(count);
    });
  }

  private async run(
    message: Message,
    signal: AbortSignal,
    source: QueueSource,
    deleted: () => void = () => {},
  ): Promise<boolean> {
    const { settler, acks } = source;
    const started = this.clock.now();
    const count = receiveCount(message);
    const id = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    const visibility = this.options.visibilityTimeout ?? 30;
    const heartbeatSeconds = this.options.heartbeatSeconds ?? visibility / 2;
    const early = this.deferrer.early(message);
    if (early) return this.deferrer.defer(message, count, early);
    const heartbeat =
      heartbeatSeconds === false
        ? undefined
        : startHeartbeat(
            this.clock,
            heartbeatSeconds * 1000,
            () => acks.changeVisibility(handle, visibility),
            (error) => this.events.emit('error', { error, phase: 'heartbeat', ...settler.facts(message) }),
          );
    try {
      const outcome = await dispatch(
        {
          message,
          decoded: this.decode(message),
          receiveCount: count,
          signal,
          extendVisibility: (seconds) => acks.changeVisibility(handle, seconds),
        },
        this.subscriptions,
        this.memory,
        this.options.classifyError ?? defaultErrorClassifier,
      );
      heartbeat?.stop();
      switch (outcome.kind) {
        case 'confirmation':
          this.logger.info({ messageId: id }, 'SNS subscription handshake message deleted');
          return settler.delete(message);
        case 'poison':
          return settler.deadLetter(message, count, outcome.reason);
        case 'unmatched':
          return this.unmatched(message, count, outcome.decoded.kind, settler);
      }
      const deferral = deferralOf(outcome);
      if (deferral) return this.deferrer.defer(message, count, deferral);
      const verdict = combine(Object.values(outcome.statuses));
      for (const [subscriber, error] of Object.entries(outcome.errors)) {
        if (isDeferral(error)) continue;
        this.logger.warn({ err: error, messageId: id, subscriber }, 'handler failed');
        this.events.emit('error', { error, phase: 'handler', ...settler.facts(message) });
      }
      this.events.emit('processed', {
        ...settler.facts(message),
        verdict,
        statuses: outcome.statuses,
        durationMs: this.clock.now() - started,
      });
      if (verdict === 'done') {
        const settled = settler.delete(message);
        deleted();
        return settled;
      }
      if (verdict === 'fatal') return settler.deadLetter(message, count, `fatal-error: ${describe(outcome)}`);
      if (count >= source.maxAttempts)
        return settler.deadLetter(message, count, `max attempts (${count}) reached: ${describe(outcome)}`);
      return settler.retry(message, count);
    } finally {
      heartbeat?.stop();
    }
  }

  private async unmatched(message: Message, count: number, kind: string, settler: Settler): Promise<boolean> {
    const id = message.MessageId ?? '';
    if (kind === 'text' || kind === 'binary') {
      // A raw payload nobody handles is a poison message: never deleted silently.
      return settler.deadLetter(message, count, `no subscriber handles ${kind} payloads`);
    }
    const action = this.options.unmatched ?? 'delete';
    this.logger.info({ messageId: id, action }, 'no subscriber matched the message');
    this.events.emit('unmatched', { ...settler.facts(message), action });
    if (action === 'delete') return settler.delete(message);
    if (action === 'dead-letter') return settler.deadLetter(message, count, 'no subscriber matched');
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
