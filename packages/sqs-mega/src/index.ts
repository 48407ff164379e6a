export * from './core.js';
export * from './lambda/index.js';
export * from './listen/acks.js';
export * from './listen/backoff.js';
export * from './listen/dead-letter.js';
export * from './listen/defer.js';
export { type DeferralOptions, FlowOptionError } from './listen/deferrer.js';
export * from './listen/errors.js';
export * from './listen/events.js';
export * from './listen/instrumentation.js';
export * from './listen/listener.js';
export * from './listen/middleware/logging.js';
export * from './listen/middleware/timeout.js';
export { combine, type Verdict } from './listen/outcomes.js';
export {
  ListenerOptionError,
  type ListenerQueue,
  type PriorityOptions,
} from './listen/priority/options.js';
export * from './listen/redrive.js';
export * from './listen/schema.js';
export * from './listen/subscribers.js';
export * from './listen/types.js';
export * from './publish/batcher.js';
export * from './publish/instrumentation.js';
export * from './publish/limits.js';
export * from './publish/message.js';
export * from './publish/publisher.js';
export * from './publish/sns-publisher.js';
export * from './publish/sqs-publisher.js';
export * from './route/producer.js';
export { type RouteDeclaration, RouteError, type RouteTarget } from './route/table.js';
export * from './sns-http/index.js';
export * from './topology/index.js';
export * from './worker/index.js';
