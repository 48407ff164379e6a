import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DecodedPayload } from '../codec/decode.js';
import type { MegaEvent } from '../event/types.js';
import type { CompiledPattern } from '../match/core.js';
import { compilePattern } from '../match/dsl.js';
import { Capacity } from './capacity.js';
import { withSchema } from './schema.js';
import type {
  Handler,
  MessageContext,
  Middleware,
  ProcessStatus,
  SubscriberDefinition,
  SubscriberOptions,
  SubscriberPattern,
} from './types.js';

// biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing is done
type Result = ProcessStatus | undefined | Promise<ProcessStatus | undefined | void> | void;

/** Base of class-based subscribers: set `pattern` (optional) and implement `process`. */
abstract class ClassSubscriber<P> implements SubscriberOptions {
  abstract readonly kind: 'event' | 'data' | 'message';
  /** What to match; none matches everything of the subscriber's kind. */
  pattern?: SubscriberPattern;
  name?: string;
  concurrency?: number;
  middleware?: Middleware[];
  schema?: StandardSchemaV1;
  /** Processes one payload; return a status, or nothing for `done`; throw to have the error classified. */
  abstract process(payload: P, context: MessageContext): Result;
}

/** Subscribes to MEGA events: `pattern` is matched against the event (`{ event: { name: 'order.placed' } }`). */
export abstract class EventSubscriber extends ClassSubscriber<MegaEvent> {
  readonly kind = 'event' as const;
}

/** Subscribes to data objects (JSON/BSON payloads that are not MEGA events). */
export abstract class DataSubscriber<T = unknown> extends ClassSubscriber<T> {
  readonly kind = 'data' as const;
}

/**
 * Sees every message: MEGA events and data objects (matched against `pattern`), and text and binary
 * payloads (only when there is no pattern). `process` gets the decoded payload with its `kind`.
 */
export abstract class MessageSubscriber extends ClassSubscriber<DecodedPayload> {
  readonly kind = 'message' as const;
}

/** Any subscriber form the listener accepts. */
export type AnySubscriber =
  | SubscriberDefinition<never>
  | EventSubscriber
  | DataSubscriber
  | MessageSubscriber;

/** A subscriber ready to run. */
export interface Subscription {
  readonly name: string;
  /** True when the subscriber wants this payload. */
  accepts(decoded: DecodedPayload): boolean;
  /** The handler, wrapped by its middleware, fed with the subscriber's view of the payload. */
  readonly handler: Handler<DecodedPayload>;
  readonly limit: Capacity | undefined;
}

/** Normalises a subscriber into a {@link Subscription}; `outer` middleware wraps the subscriber's own. */
export function toSubscription(
  subscriber: AnySubscriber,
  fallbackName: string,
  outer: Middleware[],
): Subscription {
  const isClass = subscriber instanceof ClassSubscriber;
  const kind = subscriber.kind ?? 'message';
  const name = subscriber.name ?? (isClass ? subscriber.constructor.name : fallbackName);
  const pattern = subscriber.pattern === undefined ? undefined : compile(subscriber.pattern);
  const bare: Handler = isClass
    ? (payload, context) => subscriber.process(payload as never, context)
    : (payload, context) => (subscriber as SubscriberDefinition<unknown>).handler(payload, context);
  const run = withSchema(subscriber.schema, bare, name);
  const chain = [...outer, ...(subscriber.middleware ?? [])];
  const wrapped = chain.reduceRight<Handler>((next, middleware) => middleware(next), run);
  const view = kind === 'message' && isClass ? (d: DecodedPayload) => d : payloadOf;
  return {
    name,
    accepts: (decoded) => {
      if (kind === 'event' && decoded.kind !== 'mega') return false;
      if (kind === 'data' && decoded.kind !== 'data') return false;
      if (!pattern) return true;
      return (decoded.kind === 'mega' || decoded.kind === 'data') && pattern.matches(payloadOf(decoded));
    },
    handler: (decoded, context) => wrapped(view(decoded), context),
    limit: subscriber.concurrency === undefined ? undefined : new Capacity(subscriber.concurrency),
  };
}

/** The value a subscriber's pattern and functional handler see: the event, the data, the text or the bytes. */
export function payloadOf(decoded: DecodedPayload): unknown {
  switch (decoded.kind) {
    case 'mega':
      return decoded.event;
    case 'data':
      return decoded.data;
    case 'text':
      return decoded.text;
    case 'binary':
      return decoded.bytes;
    default:
      return decoded.data;
  }
}

function compile(pattern: SubscriberPattern): CompiledPattern {
  const p = pattern as Partial<CompiledPattern>;
  if (p && typeof p === 'object' && typeof p.matches === 'function' && Array.isArray(p.branches))
    return pattern as CompiledPattern;
  return compilePattern(pattern as Parameters<typeof compilePattern>[0]);
}
