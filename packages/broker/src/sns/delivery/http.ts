import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Timer } from '../../clock.js';
import type { DeliveryRow } from '../../store/contract.js';
import type { SnsDeliveryPort, Subscription } from '../types.js';
import { deadLetter } from './dead-letter.js';
import type { DeliveryOutbox } from './outbox.js';
import { effectiveRetryPolicy, retryDelayMs } from './policy.js';
import { report } from './report.js';

/** How long one HTTP/S attempt may take, as on SNS. */
const ATTEMPT_TIMEOUT_MS = 15_000;
/** At most this many attempts run at once. */
const CONCURRENCY = 16;

/**
 * The HTTP/S delivery worker. Deliveries are rows of the store's `snsDeliveries`, inserted by the
 * {@link DeliveryOutbox} in the publish's (or subscribe's) write, so they survive a restart; each is
 * POSTed when due, deleted once the endpoint answers 2xx, otherwise retried after the delay its delivery policy gives, and when retries are
 * exhausted sent to the subscription's dead-letter queue (or logged). Timers come from the broker's
 * clock, so a TestClock drives retries; connections are opened only to allowed addresses.
 */
export class HttpDeliveries {
  private timer: Timer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private immediate = false;
  private readonly running = new Map<number, AbortController>();
  private stopped = false;

  /** Sends what `outbox` receives (and, once {@link schedule}d, what a previous run left). */
  constructor(
    private readonly sns: SnsDeliveryPort,
    outbox: DeliveryOutbox,
  ) {
    outbox.onAdded(() => this.schedule());
  }

  /** Arms the worker for the earliest pending delivery not running now (at start: those left by a previous run). */
  schedule(): void {
    if (this.stopped) return;
    const rows = this.sns.store.snsDeliveries.due(Number.MAX_SAFE_INTEGER, CONCURRENCY + 1);
    const next = rows.find((r) => !this.running.has(r.id))?.due_at;
    if (next === undefined) return;
    if (next <= this.sns.clock.now()) {
      if (this.immediate || this.running.size >= CONCURRENCY) return;
      this.immediate = true;
      setImmediate(() => {
        this.immediate = false;
        this.run();
      });
      return;
    }
    if (next >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = next;
    this.timer = this.sns.clock.setTimeout(() => {
      this.timerAt = Number.POSITIVE_INFINITY;
      this.timer = undefined;
      this.run();
    }, next - this.sns.clock.now());
  }

  /** Stops attempting; deliveries in progress are abandoned (they stay stored and run after a restart). */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    for (const controller of this.running.values()) controller.abort();
  }

  private run(): void {
    if (this.stopped) return;
    const free = CONCURRENCY - this.running.size;
    if (free <= 0) return;
    const rows = this.sns.store.snsDeliveries
      .due(this.sns.clock.now(), CONCURRENCY * 2)
      .filter((r) => !this.running.has(r.id))
      .slice(0, free);
    for (const row of rows) void this.attempt(row);
    this.schedule();
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const subscription = this.sns.findSubscription(row.subscription_arn);
    if (!subscription) {
      await this.sns.store.write(() => this.sns.store.snsDeliveries.delete(row.id));
      return;
    }
    const controller = new AbortController();
    this.running.set(row.id, controller);
    let failure: string | undefined;
    try {
      const status = await this.post(subscription, row, controller.signal);
      if (status < 200 || status > 299) failure = `HTTP ${status}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    this.running.delete(row.id);
    if (this.stopped) return;
    await this.sns.store.write(() => this.settle(subscription, row, failure));
    this.schedule();
  }

  /** Records the outcome of an attempt (inside a write). */
  private settle(subscription: Subscription, row: DeliveryRow, failure: string | undefined): void {
    const table = this.sns.store.snsDeliveries;
    if (failure === undefined) {
      table.delete(row.id);
      if (row.kind === 'Notification') report(this.sns, subscription.protocol, 'delivered');
      return;
    }
    this.sns.observer.failure(subscription.protocol);
    const topic = this.sns.findTopic(subscription.topicArn);
    const policy = effectiveRetryPolicy(
      topic?.attributes.DeliveryPolicy,
      subscription.attributes.DeliveryPolicy,
    );
    const attempts = row.attempts + 1;
    const logger = this.sns.config.logger;
    if (attempts <= policy.numRetries) {
      const delay = retryDelayMs(policy, attempts);
      logger.info(
        { subscription: subscription.arn, attempts, failure, retryInMs: delay },
        'SNS HTTP delivery failed; will retry',
      );
      table.retry(row.id, attempts, this.sns.clock.now() + delay);
      return;
    }
    table.delete(row.id);
    const reason = `${attempts} attempts to ${subscription.endpoint} failed; the last: ${failure}`;
    if (row.kind !== 'Notification') {
      logger.error(
        { subscription: subscription.arn, reason },
        'SNS subscription confirmation could not be delivered',
      );
      return;
    }
    const ctx = { region: topic?.region ?? '', origin: '' };
    deadLetter(this.sns, ctx, subscription, { body: row.body }, this.sns.clock.now(), reason);
  }

  /** POSTs one delivery; resolves with the response status. */
  private post(subscription: Subscription, row: DeliveryRow, signal: AbortSignal): Promise<number> {
    const url = new URL(subscription.endpoint);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // IP literals skip the lookup: check them here, so no connection opens outside the allow list.
    if (isIP(host) !== 0 && !this.sns.config.allowHosts.allowsAddress(host))
      return Promise.reject(new Error(`${host} is outside --sns-allow-hosts`));
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': row.kind,
      'x-amz-sns-message-id': row.message_id,
      'x-amz-sns-topic-arn': subscription.topicArn,
    };
    if (row.kind === 'Notification') headers['x-amz-sns-subscription-arn'] = subscription.arn;
    if (row.raw === 1) headers['x-amz-sns-rawdelivery'] = 'true';
    const body = Buffer.from(row.body, 'utf8');
    headers['content-length'] = String(body.length);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          signal,
          timeout: ATTEMPT_TIMEOUT_MS,
          lookup: this.sns.config.allowHosts.lookup,
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
