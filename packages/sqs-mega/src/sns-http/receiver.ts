import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message } from '@aws-sdk/client-sqs';
import { dispatch } from '../listen/dispatcher.js';
import { defaultErrorClassifier, type ErrorClassifier } from '../listen/errors.js';
import { TypedEvents } from '../listen/events.js';
import { combine, OutcomeMemory } from '../listen/outcomes.js';
import { type AnySubscriber, type Subscription, toSubscription } from '../listen/subscribers.js';
import type { Handler, Middleware, SubscriberOptions, SubscriberPattern } from '../listen/types.js';
import { type Logger, silentLogger } from '../logger.js';
import { CertificateCache, type TrustOptions, trustedFetchUrl } from './certificates.js';
import { SnsRejection, verifySnsMessage } from './verify.js';

/** Options of {@link SnsHttpReceiver}. Every option has a default. */
export interface SnsHttpReceiverOptions extends TrustOptions {
  /** Topic ARNs whose messages are accepted (default: any topic). Others: 403. */
  topics?: readonly string[];
  /**
   * Which SubscriptionConfirmations to confirm by visiting their SubscribeURL: `true` (default: all
   * accepted topics), `false` (none: answered 200 and reported), or a list of topic ARNs.
   */
  confirmSubscriptions?: boolean | readonly string[];
  /** Oldest message accepted, ms (default 3,600,000 = 1 hour). */
  maxAgeMs?: number;
  /** Largest body read, bytes (default 1 MiB; SNS messages are ≤ 256 KiB before their envelope). */
  maxBodyBytes?: number;
  /** Maps handler exceptions to statuses (default: the Listener's). */
  classifyError?: ErrorClassifier;
  /** Middleware around every subscriber's handler, outermost first. */
  middleware?: Middleware[];
  /** Current time, ms since the epoch (default `Date.now`); messages older than `maxAgeMs` are refused. */
  now?: () => number;
  logger?: Logger;
}

/** The receiver's events, by name. */
export interface SnsHttpReceiverEvents {
  /** A notification was dispatched; `status` is what was answered. */
  notification: { messageId: string; topicArn: string; status: number; verdict: string };
  /** A subscription was confirmed (or, with `confirmed: false`, left unconfirmed by configuration). */
  subscription: { topicArn: string; confirmed: boolean };
  /** SNS says the endpoint was unsubscribed. */
  unsubscribed: { topicArn: string };
  /** A request was refused with a 4xx. */
  rejected: { status: number; reason: string };
  /** A handler failed, or a confirmation could not be made. */
  error: { error: unknown; phase: string; messageId?: string };
}

/** What to answer: a status and a JSON body. */
export interface SnsHttpAnswer {
  status: number;
  body: { ok: true; [key: string]: unknown } | { ok: false; reason: string };
}

/**
 * An SNS HTTP(S) endpoint: verifies each POST's signature, confirms subscriptions, and dispatches
 * notifications through the Listener's decoder and subscribers (patterns, MEGA decoding, statuses):
 * `done` (or nothing matching) answers 200; `retry-later`/`retriable-error` answer 500 so SNS retries
 * per its delivery policy; `fatal-error` and undecodable payloads answer 422 (SNS does not retry 4xx).
 * Refused requests get a 4xx with `{ ok: false, reason }`.
 *
 * ```ts
 * const receiver = new SnsHttpReceiver({ brokerUrl: broker.url });
 * receiver.subscribe({ event: { name: 'order.placed' } }, async (event) => { ... });
 * createServer(receiver.handler).listen(8080);
 * ```
 */
export class SnsHttpReceiver {
  private readonly subscriptions: Subscription[] = [];
  private readonly events = new TypedEvents<SnsHttpReceiverEvents>();
  private readonly memory = new OutcomeMemory(1000);
  private readonly certificates: CertificateCache;
  private readonly logger: Logger;
  private readonly middleware: Middleware[];

  constructor(private readonly options: SnsHttpReceiverOptions = {}) {
    this.certificates = new CertificateCache(options);
    this.logger = options.logger ?? silentLogger;
    this.middleware = options.middleware ?? [];
  }

  /** Adds a subscriber, in any form {@link Listener.subscribe} takes. */
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

  /** Listens for an event; returns the unsubscribe function. */
  on<K extends keyof SnsHttpReceiverEvents>(
    name: K,
    fn: (event: SnsHttpReceiverEvents[K]) => void,
  ): () => void {
    return this.events.on(name, fn);
  }

  /** Trusts a certificate without fetching it (offline tests, pinned certificates). */
  trustCertificate(signingCertUrl: string, pem: string): this {
    this.certificates.preload(signingCertUrl, pem);
    return this;
  }

  /** The `node:http` request listener: `createServer(receiver.handler)`. Never throws. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req)
      .catch((error): SnsHttpAnswer => {
        this.events.emit('error', { error, phase: 'request' });
        return { status: 500, body: { ok: false, reason: 'internal error' } };
      })
      .then((answer) => {
        if (res.headersSent) return;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
  };

  private async serve(req: IncomingMessage): Promise<SnsHttpAnswer> {
    if (req.method !== 'POST') return this.reject(405, `method ${req.method} not allowed: SNS POSTs`);
    const limit = this.options.maxBodyBytes ?? 1_048_576;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) {
          req.resume();
          return this.reject(413, `body larger than ${limit} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      return this.reject(400, `body could not be read: ${(error as Error).message}`);
    }
    return this.handle(Buffer.concat(chunks).toString('utf8'), req.headers);
  }

  /**
   * The framework-neutral core: takes the body (text, bytes, or an already parsed object) and the
   * request headers, answers a status and a JSON body. Adapters call this.
   */
  async handle(
    body: string | Uint8Array | object,
    headers: Record<string, string | string[] | undefined> = {},
  ): Promise<SnsHttpAnswer> {
    let message: Record<string, unknown>;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
      if (headers['x-amz-sns-rawdelivery'] === 'true')
        return this.reject(
          400,
          'raw message delivery carries no signature; turn RawMessageDelivery off for this endpoint',
        );
      try {
        message = JSON.parse(text);
      } catch {
        return this.reject(400, 'body is not JSON (an SNS message is a JSON object)');
      }
    } else message = body as Record<string, unknown>;
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return this.reject(400, 'body is not a JSON object');
    const headerType = headers['x-amz-sns-message-type'];
    if (typeof headerType === 'string' && headerType !== message.Type)
      return this.reject(
        400,
        `x-amz-sns-message-type ${headerType} does not match Type ${String(message.Type)}`,
      );
    try {
      await verifySnsMessage(message, {
        certificates: this.certificates,
        ...(this.options.topics ? { topics: this.options.topics } : {}),
        ...(this.options.maxAgeMs === undefined ? {} : { maxAgeMs: this.options.maxAgeMs }),
        ...(this.options.now ? { now: this.options.now } : {}),
      });
    } catch (error) {
      if (error instanceof SnsRejection) return this.reject(error.status, error.reason);
      throw error;
    }
    const topicArn = message.TopicArn as string;
    if (message.Type === 'SubscriptionConfirmation')
      return this.confirm(topicArn, message.SubscribeURL as string);
    if (message.Type === 'UnsubscribeConfirmation') {
      this.logger.info({ topicArn }, 'unsubscribed from SNS topic');
      this.events.emit('unsubscribed', { topicArn });
      return { status: 200, body: { ok: true, unsubscribed: topicArn } };
    }
    return this.notify(message, topicArn);
  }

  private async confirm(topicArn: string, subscribeUrl: string): Promise<SnsHttpAnswer> {
    const wanted = this.options.confirmSubscriptions ?? true;
    if (wanted === false || (Array.isArray(wanted) && !wanted.includes(topicArn))) {
      this.logger.info({ topicArn }, 'subscription confirmation not confirmed (not in confirmSubscriptions)');
      this.events.emit('subscription', { topicArn, confirmed: false });
      return { status: 200, body: { ok: true, confirmed: false } };
    }
    let url: string;
    try {
      url = trustedFetchUrl(subscribeUrl, this.options);
    } catch (error) {
      return this.reject(403, `SubscribeURL refused: ${(error as Error).message}`);
    }
    try {
      const response = await fetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5000),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`SubscribeURL answered HTTP ${response.status}`);
    } catch (error) {
      this.events.emit('error', { error, phase: 'confirm' });
      return { status: 502, body: { ok: false, reason: `could not confirm: ${(error as Error).message}` } };
    }
    this.events.emit('subscription', { topicArn, confirmed: true });
    return { status: 200, body: { ok: true, confirmed: true } };
  }

  private async notify(envelope: Record<string, unknown>, topicArn: string): Promise<SnsHttpAnswer> {
    const messageId = envelope.MessageId as string;
    // The Listener's path for an SNS envelope in an SQS body: the same decoder and dispatch.
    const message: Message = {
      MessageId: messageId,
      ReceiptHandle: '',
      Body: JSON.stringify(envelope),
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: {},
    };
    const outcome = await dispatch(
      { message, receiveCount: 1, signal: new AbortController().signal, extendVisibility: async () => {} },
      this.subscriptions,
      this.memory,
      this.options.classifyError ?? defaultErrorClassifier,
    );
    let status = 200;
    let verdict: string = outcome.kind;
    if (outcome.kind === 'poison') status = 422;
    else if (outcome.kind === 'ran') {
      verdict = combine(Object.values(outcome.statuses));
      status = verdict === 'done' ? 200 : verdict === 'fatal' ? 422 : 500;
      for (const [subscriber, error] of Object.entries(outcome.errors)) {
        this.logger.warn({ err: error, messageId, subscriber }, 'handler failed');
        this.events.emit('error', { error, phase: 'handler', messageId });
      }
      if (verdict === 'done') this.memory.forget(messageId);
    }
    this.events.emit('notification', { messageId, topicArn, status, verdict });
    if (status === 200) return { status, body: { ok: true, verdict } };
    return {
      status,
      body: { ok: false, reason: outcome.kind === 'poison' ? outcome.reason : `handlers: ${verdict}` },
    };
  }

  private reject(status: number, reason: string): SnsHttpAnswer {
    this.logger.warn({ status, reason }, 'SNS request refused');
    this.events.emit('rejected', { status, reason });
    return { status, body: { ok: false, reason } };
  }
}
