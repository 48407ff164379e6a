// sqs-mega/metrics: Prometheus metrics (prom-client, an optional peer dependency loaded only here)
// for listeners and publishers, and a one-line /metrics server.
export { circuitMetrics } from './circuit.js';
export { type HandledOutcome, type ListenerMetricsOptions, listenerMetrics } from './listener.js';
export { publisherMetrics } from './publisher.js';
export type { MetricsOptions } from './registry.js';
export { type MetricsServer, metricsHandler, type ServeMetricsOptions, serveMetrics } from './serve.js';
