import type { PublisherInstrumentation } from '../publish/instrumentation.js';
import { destinationName, type MetricsOptions, metric } from './registry.js';

/**
 * Prometheus metrics for a publisher (`instrument: [publisherMetrics()]`), labelled by
 * `destination` (queue or topic name): `mega_publisher_sent_total`, `mega_publisher_failed_total`,
 * `mega_publisher_batch_size` (messages per SQS/SNS call) and `mega_publisher_call_duration_seconds`
 * (per call, retries included).
 */
export function publisherMetrics(options: MetricsOptions = {}): PublisherInstrumentation {
  const sent = metric(options, 'counter', 'publisher_sent_total', 'Messages published', ['destination']);
  const failed = metric(options, 'counter', 'publisher_failed_total', 'Messages that failed to publish', [
    'destination',
  ]);
  const batch = metric(
    options,
    'histogram',
    'publisher_batch_size',
    'Messages per SQS/SNS call',
    ['destination'],
    [1, 2, 5, 10],
  );
  const latency = metric(
    options,
    'histogram',
    'publisher_call_duration_seconds',
    'SQS/SNS call time, retries included, seconds',
    ['destination'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  return {
    message: async (_message, target, publish) => {
      const labels = { destination: destinationName(target.destination) };
      try {
        const result = await publish();
        sent.inc(labels);
        return result;
      } catch (error) {
        failed.inc(labels);
        throw error;
      }
    },
    call: async (count, target, send) => {
      const labels = { destination: destinationName(target.destination) };
      batch.observe(labels, count);
      const end = latency.startTimer(labels);
      try {
        return await send();
      } finally {
        end();
      }
    },
  };
}
