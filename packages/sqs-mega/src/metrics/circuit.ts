import type { CircuitBreaker, CircuitState } from '../flow/breaker.js';
import { type MetricsOptions, metric } from './registry.js';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * A gauge of a circuit breaker's circuits (prom-client): `mega_circuit_state{circuit, state}`, 1 for
 * each circuit's current state and 0 for the two others (`circuitMetrics(breaker, { registry })`).
 * Kept current by the breaker's `circuit` events. Returns the unsubscribe function.
 */
export function circuitMetrics(breaker: CircuitBreaker, options: MetricsOptions = {}): () => void {
  const gauge = metric(options, 'gauge', 'circuit_state', 'Circuit breaker state (1: current state)', [
    'circuit',
    'state',
  ]);
  const set = (circuit: string, current: CircuitState) => {
    for (const state of STATES) gauge.set({ circuit, state }, state === current ? 1 : 0);
  };
  for (const [circuit, state] of Object.entries(breaker.states())) set(circuit, state);
  return breaker.on('circuit', ({ name, to }) => set(name, to));
}
