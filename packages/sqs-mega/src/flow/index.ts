// sqs-mega/flow: flow control for listeners — per-key rate limits and concurrency caps, circuit
// breakers — built on the listener's deferral (a message is deferred, never failed, when over a limit).
export { DeferError, type DeferMode, defer, isDeferral } from '../listen/defer.js';
export type { DeferralOptions } from '../listen/deferrer.js';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitTransition,
  circuitBreaker,
  type RunOutcome,
} from './breaker.js';
export { FlowKeyError, FlowOptionError } from './errors.js';
export type { KeyReader, KeySource } from './key.js';
export { FlowStoreError, type RateLimitOptions, rateLimit } from './rate-limit.js';
export { type FlowStore, type MemoryFlowStoreOptions, memoryFlowStore } from './store.js';
