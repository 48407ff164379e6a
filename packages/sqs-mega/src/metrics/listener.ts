import { isDeferral } from '../listen/defer.js';
import { defaultErrorClassifier, type ErrorClassifier, HandlerTimeoutError } from '../listen/errors.js';
import type { ListenerInstrumentation } from '../listen/instrumentation.js';
import { SchemaValidationError } from '../listen/schema.js';
import { isProcessStatus, ProcessStatus } from '../listen/types.js';
import { type MetricsOptions, metric, queueName } from './registry.js';

/** Options of {@link listenerMetrics}. */
export interface ListenerMetricsOptions extends MetricsOptions {
  /** The listener's error classifier, to label thrown errors retry or dead-lettered (default: the default classifier). */
  classifyError?: ErrorClassifier;
}

/** A handler run's outcome label. */
export type HandledOutcome = 'ok' | 'retry' | 'dead-lettered' | 'poison' | 'timeout' | 'deferred';

let instances = 0;

/**
 * Prometheus metrics for a listener (prom-client; `instrument: [listenerMetrics()]`), labelled by
 * `queue` (and `subscriber`): `mega_listener_received_total`, `mega_listener_handled_total{outcome}`
 * (ok, retry, dead-lettered, poison, timeout, deferred: a `DeferError`, e.g. from `rateLimit` or
 * `circuitBreaker`), `mega_listener_deferred_total{mode}` (messages deferred, by `reroute` or
 * `visibility`), `mega_listener_handler_duration_seconds`,
 * `mega_listener_in_flight`, `mega_listener_receive_batch_size`, `mega_listener_lag_seconds`
 * (now − SentTimestamp on receipt), `mega_listener_visibility_extensions_total` (heartbeats and
 * `extendVisibility`; retry backoffs are not extensions), `mega_listener_dead_lettered_total`,
 * `mega_listener_errors_total{phase}`.
 */
export function listenerMetrics(options: ListenerMetricsOptions = {}): ListenerInstrumentation {
  const classify = options.classifyError ?? defaultErrorClassifier;
  const received = metric(options, 'counter', 'listener_received_total', 'Messages received', ['queue']);
  const handled = metric(options, 'counter', 'listener_handled_total', 'Handler runs by outcome', [
    'queue',
    'subscriber',
    'outcome',
  ]);
  const duration = metric(
    options,
    'histogram',
    'listener_handler_duration_seconds',
    'Handler run time, seconds',
    ['queue', 'subscriber'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  const inFlight = metric(options, 'gauge', 'listener_in_flight', 'Messages being processed', ['queue']);
  const batch = metric(
    options,
    'histogram',
    'listener_receive_batch_size',
    'Messages per ReceiveMessage',
    ['queue'],
    [0, 1, 2, 5, 10],
  );
  const lag = metric(
    options,
    'histogram',
    'listener_lag_seconds',
    'Now minus SentTimestamp when a message is received, seconds',
    ['queue'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
  );
  const extensions = metric(
    options,
    'counter',
    'listener_visibility_extensions_total',
    'Visibility timeouts extended (heartbeats and extendVisibility)',
    ['queue'],
  );
  const deadLettered = metric(options, 'counter', 'listener_dead_lettered_total', 'Messages dead-lettered', [
    'queue',
  ]);
  const deferred = metric(options, 'counter', 'listener_deferred_total', 'Messages deferred, by mode', [
    'queue',
    'mode',
  ]);
  const errors = metric(options, 'counter', 'listener_errors_total', 'Failures by phase', ['queue', 'phase']);
  let queue = '';
  return {
    attach(listener) {
      queue = queueName(listener.queueUrl);
      listener.on('received', ({ message }) => {
        received.inc({ queue });
        const sent = Number(message.Attributes?.SentTimestamp);
        if (Number.isFinite(sent)) lag.observe({ queue }, Math.max(0, (Date.now() - sent) / 1000));
      });
      listener.on('dead-lettered', () => deadLettered.inc({ queue }));
      listener.on('deferred', ({ mode }) => deferred.inc({ queue, mode }));
      listener.on('error', ({ phase }) => errors.inc({ queue, phase }));
      // Extensions are ChangeMessageVisibility calls that are neither backoffs nor releases.
      const name = `mega-metrics-${++instances}`;
      listener.client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as {
            QueueUrl?: string;
            Entries?: { VisibilityTimeout?: number }[];
            VisibilityTimeout?: number;
          };
          const out = await next(args);
          if (input.QueueUrl === listener.queueUrl) {
            if (context.commandName === 'ChangeMessageVisibilityBatchCommand')
              pending += (input.Entries ?? []).filter((e) => (e.VisibilityTimeout ?? 0) > 0).length;
            else if (
              context.commandName === 'ChangeMessageVisibilityCommand' &&
              (input.VisibilityTimeout ?? 0) > 0
            )
              pending++;
          }
          return out;
        },
        { step: 'initialize', name },
      );
      let pending = 0;
      listener.on('retried', ({ delaySeconds }) => {
        if (delaySeconds > 0) pending--;
      });
      // Counted at scrape time: changes sent minus the backoffs among them.
      const collect = extensions as unknown as { collect?: () => void };
      const previous = collect.collect;
      let counted = 0;
      collect.collect = () => {
        previous?.call(extensions);
        if (pending > counted) {
          extensions.inc({ queue }, pending - counted);
          counted = pending;
        }
      };
    },
    receive: async (_url, receive) => {
      const messages = await receive();
      batch.observe({ queue }, messages.length);
      return messages;
    },
    message: async (_message, _url, process) => {
      inFlight.inc({ queue });
      try {
        return await process();
      } finally {
        inFlight.dec({ queue });
      }
    },
    middleware: (next) => async (payload, context) => {
      const labels = { queue, subscriber: context.subscriber };
      const end = duration.startTimer(labels);
      let outcome: HandledOutcome;
      try {
        const status = await next(payload, context);
        outcome =
          !isProcessStatus(status) || status === ProcessStatus.DONE
            ? 'ok'
            : status === ProcessStatus.FATAL_ERROR
              ? 'dead-lettered'
              : 'retry';
        return status;
      } catch (error) {
        outcome = isDeferral(error)
          ? 'deferred'
          : error instanceof SchemaValidationError
            ? 'poison'
            : error instanceof HandlerTimeoutError
              ? 'timeout'
              : classify(error) === ProcessStatus.FATAL_ERROR
                ? 'dead-lettered'
                : 'retry';
        throw error;
      } finally {
        end();
        handled.inc({ ...labels, outcome: outcome! });
      }
    },
  };
}
