import { Counter, Gauge, Histogram, type Registry, register } from 'prom-client';

/** Options shared by the metrics instrumentations. */
export interface MetricsOptions {
  /** The registry metrics are registered in (default: prom-client's global `register`). */
  registry?: Registry;
  /** Prefix of every metric name (default `mega_`). */
  prefix?: string;
}

type Kind = 'counter' | 'gauge' | 'histogram';
type Made = { counter: Counter<string>; gauge: Gauge<string>; histogram: Histogram<string> };

/**
 * The metric `name` in the registry, created on first use: two listeners (or publishers) sharing a
 * registry share the metric, told apart by their labels.
 */
export function metric<K extends Kind>(
  options: MetricsOptions,
  kind: K,
  name: string,
  help: string,
  labelNames: string[],
  buckets?: number[],
): Made[K] {
  const registry = options.registry ?? register;
  const full = `${options.prefix ?? 'mega_'}${name}`;
  const existing = registry.getSingleMetric(full);
  if (existing) return existing as Made[K];
  const config = { name: full, help, labelNames, registers: [registry] };
  if (kind === 'counter') return new Counter(config) as Made[K];
  if (kind === 'gauge') return new Gauge(config) as Made[K];
  return new Histogram({ ...config, ...(buckets ? { buckets } : {}) }) as Made[K];
}

/** The queue's name from its URL (the label value), e.g. `orders`. */
export function queueName(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1) || queueUrl;
}

/** The destination's short name: a queue's name or a topic's name. */
export function destinationName(destination: string): string {
  const slash = destination.lastIndexOf('/');
  if (slash >= 0) return destination.slice(slash + 1);
  return destination.slice(destination.lastIndexOf(':') + 1);
}
