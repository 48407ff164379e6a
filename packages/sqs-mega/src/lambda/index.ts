export * from './context.js';
export * from './event.js';
export type { Invocation, LambdaHandler } from './invoke.js';
export * from './load.js';
export * from './mapping.js';
export { type BatchOutcome, readOutcome } from './outcome.js';
