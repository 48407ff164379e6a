import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SnsDeliveryOutcome, SnsObserver, SnsProtocol } from './sns/observer.js';
import { retentionCutoff } from './sqs/retention.js';
import type { SqsState } from './sqs/state.js';

/** What the router reports of each API request. */
export interface RequestSample {
  /** `SendMessage`, `Publish`, … (`unknown` when the request named none). */
  action: string;
  /** HTTP status of the answer. */
  status: number;
  /** Seconds from routing to the answer. */
  seconds: number;
}

/**
 * The broker's Prometheus metrics, one registry per broker (served on `GET /metrics`):
 * `mega_broker_requests_total{action,outcome}` (outcome `ok`, `client_error`, `server_error`),
 * `mega_broker_request_duration_seconds{action}`, and per queue, read at scrape time,
 * `mega_broker_queue_messages{queue,state}` (state `visible`, `in_flight`, `delayed`) and
 * `mega_broker_queue_oldest_message_age_seconds{queue}`; `mega_broker_messages_stored_total` and
 * `mega_broker_messages_deleted_total` from the store's tallies; `mega_broker_store_commit_seconds`
 * (the durable store's group COMMITs; the in-memory engine reports none);
 * `mega_broker_sns_deliveries_total{protocol,outcome}` (outcome `delivered`, `dead_lettered`,
 * `dropped`, `filtered_out`) and `mega_broker_sns_delivery_failures_total{protocol}` (failed attempts).
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'action' | 'outcome'>;
  private readonly latency: Histogram<'action'>;
  private readonly commits: Histogram;
  private readonly snsDeliveries: Counter<'protocol' | 'outcome'>;
  private readonly snsFailures: Counter<'protocol'>;
  /** The observer the SNS layer reports its deliveries to (give it as `SnsConfig.observer`). */
  readonly sns: SnsObserver = {
    delivery: (protocol: SnsProtocol, outcome: SnsDeliveryOutcome) =>
      this.snsDeliveries.inc({ protocol, outcome }),
    failure: (protocol: SnsProtocol) => this.snsFailures.inc({ protocol }),
  };

  constructor(sqs: () => SqsState | undefined) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'mega_broker_requests_total',
      help: 'API requests by action and outcome',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'mega_broker_request_duration_seconds',
      help: 'API request time, seconds (long polls included)',
      labelNames: ['action'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 20],
      registers,
    });
    this.commits = new Histogram({
      name: 'mega_broker_store_commit_seconds',
      help: 'Durable store commit time (one group COMMIT), seconds',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    });
    this.snsDeliveries = new Counter({
      name: 'mega_broker_sns_deliveries_total',
      help: 'SNS notifications by subscription protocol and outcome (delivered, dead_lettered, dropped, filtered_out)',
      labelNames: ['protocol', 'outcome'],
      registers,
    });
    this.snsFailures = new Counter({
      name: 'mega_broker_sns_delivery_failures_total',
      help: 'Failed SNS delivery attempts (HTTP/S without a 2xx answer, queue refusals) by protocol',
      labelNames: ['protocol'],
      registers,
    });
    new Gauge({
      name: 'mega_broker_queue_messages',
      help: 'Messages per queue by state',
      labelNames: ['queue', 'region', 'state'],
      registers,
      collect() {
        this.reset();
        const state = sqs();
        if (!state) return;
        const now = state.clock.now();
        for (const q of state.queues.all()) {
          const c = state.store.messages.counts(q.id, now, retentionCutoff(q, now));
          const labels = { queue: q.name, region: q.region };
          this.set({ ...labels, state: 'visible' }, c.visible);
          this.set({ ...labels, state: 'in_flight' }, c.inFlight);
          this.set({ ...labels, state: 'delayed' }, c.delayed);
        }
      },
    });
    new Gauge({
      name: 'mega_broker_queue_oldest_message_age_seconds',
      help: 'Age of the oldest message per queue, seconds (0 when empty)',
      labelNames: ['queue', 'region'],
      registers,
      collect() {
        this.reset();
        const state = sqs();
        if (!state) return;
        const now = state.clock.now();
        for (const q of state.queues.all()) {
          const at = state.store.messages.oldestSentAt(q.id);
          this.set(
            { queue: q.name, region: q.region },
            at === undefined ? 0 : Math.max(0, (now - at) / 1000),
          );
        }
      },
    });
    for (const [name, field] of [
      ['mega_broker_messages_stored_total', 'inserted'],
      ['mega_broker_messages_deleted_total', 'deleted'],
    ] as const)
      new Counter({
        name,
        help: `Message rows ${field} by the store since start`,
        registers,
        collect() {
          const tally = sqs()?.store.messages.tally;
          if (!tally) return;
          this.reset();
          this.inc(tally[field]);
        },
      });
  }

  /** Counts one API request. */
  observe(sample: RequestSample): void {
    const outcome = sample.status < 400 ? 'ok' : sample.status < 500 ? 'client_error' : 'server_error';
    this.requests.inc({ action: sample.action, outcome });
    this.latency.observe({ action: sample.action }, sample.seconds);
  }

  /** Records one store commit's duration, in seconds (give it to `Store.onCommitTime`). */
  commitTime(seconds: number): void {
    this.commits.observe(seconds);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The action a request names: the JSON target's, else the Query `Action` (query string or form body). */
export function actionOf(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
  body: Buffer,
): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1).slice(0, 64) || 'unknown';
  const fromQuery = query.get('Action');
  if (fromQuery) return /^[A-Za-z]{1,64}$/.test(fromQuery) ? fromQuery : 'unknown';
  const match = /(?:^|&)Action=([A-Za-z]{1,64})(?:&|$)/.exec(body.subarray(0, 4096).toString('latin1'));
  return match?.[1] ?? 'unknown';
}
