import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DecodedPayload } from '../codec/decode.js';
import type { MegaPayload } from '../event/types.js';
import type { CompiledPattern } from '../match/core.js';
import { compilePattern } from '../match/dsl.js';
import { compileJsonPattern } from '../match/json-pattern.js';
import { Capacity } from './capacity.js';
import { SubscriberPatternError } from './errors.js';
import { withSchema } from './schema.js';
import type {
  Handler,
  HandlerResult,
  MessageContext,
  Middleware,
  SubscriberDefinition,
  SubscriberKind,
  SubscriberOptions,
  SubscriberPattern,
} from './types.js';

/** Base of class-based subscribers: set `pattern` (optional) and implement `process`. */
abstract class ClassSubscriber<P> implements SubscriberOptions {
  abstract readonly kind: SubscriberKind;
  /** What to match; none matches everything of the subscriber's kind. */
  pattern?: SubscriberPattern;
  /** Prefer `subscribe(new MySubscriber(), { name })`; see {@link SubscriberOptions.name}. */
  name?: string;
  concurrency?: number;
  middleware?: Middleware[];
  syntax?: 'dsl' | 'json';
  schema?: StandardSchemaV1;
  /** Processes one payload; return a status, or nothing for `done`; throw to have the error classified. */
  abstract process(payload: P, context: MessageContext): HandlerResult;
}

/** Subscribes to MEGA events: `pattern` is matched against the event (`{ event: { name: 'order.placed' } }`). */
export abstract class EventSubscriber extends ClassSubscriber<MegaPayload> {
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

/** Subscribes to plaintext payloads: `process` gets the string; a DSL `pattern` is tested against it. */
export abstract class TextSubscriber extends ClassSubscriber<string> {
  readonly kind = 'text' as const;
}

/** Subscribes to binary payloads: `process` gets the bytes. */
export abstract class BinarySubscriber extends ClassSubscriber<Uint8Array> {
  readonly kind = 'binary' as const;
}

/** Any subscriber form the listener accepts. */
export type AnySubscriber =
  | SubscriberDefinition<never>
  | EventSubscriber
  | DataSubscriber
  | MessageSubscriber
  | TextSubscriber
  | BinarySubscriber;

/** A subscriber ready to run. */
export interface Subscription {
  readonly name: string;
  /** True when the subscriber wants this payload. */
  accepts(decoded: DecodedPayload): boolean;
  /** The handler, wrapped by its middleware, fed with the subscriber's view of the payload. */
  readonly handler: Handler<DecodedPayload>;
  readonly limit: Capacity | undefined;
}

/**
 * Normalises a subscriber into a {@link Subscription}; `outer` middleware wraps the subscriber's own;
 * `options` (the last argument of `subscribe`) win over the subscriber's own settings.
 * @throws {@link SubscriberPatternError} for a pattern that can never match a payload.
 */
export function toSubscription(
  given: AnySubscriber,
  fallbackName: string,
  outer: Middleware[],
  options: SubscriberOptions = {},
): Subscription {
  const isClass = given instanceof ClassSubscriber;
  const subscriber = given as SubscriberDefinition<unknown> & {
    process?: ClassSubscriber<unknown>['process'];
    schema?: StandardSchemaV1;
  };
  const kind: SubscriberKind = subscriber.kind ?? 'message';
  const name = options.name ?? subscriber.name ?? (isClass ? given.constructor.name : fallbackName);
  const syntax = options.syntax ?? subscriber.syntax ?? 'dsl';
  const pattern = subscriber.pattern === undefined ? undefined : compile(subscriber.pattern, syntax, name);
  const concurrency = options.concurrency ?? subscriber.concurrency;
  const bare: Handler = isClass
    ? (payload, context) => (given as ClassSubscriber<unknown>).process(payload, context)
    : (payload, context) => subscriber.handler(payload, context);
  const run = withSchema(subscriber.schema, bare, name);
  const chain = [...outer, ...(subscriber.middleware ?? []), ...(options.middleware ?? [])];
  const wrapped = chain.reduceRight<Handler>((next, middleware) => middleware(next), run);
  const view = kind === 'message' && isClass ? (d: DecodedPayload) => d : payloadOf;
  return {
    name,
    accepts: (decoded) => {
      if (kind !== 'message' && decoded.kind !== KIND_PAYLOAD[kind]) return false;
      if (!pattern) return true;
      if (kind === 'text' || kind === 'binary') return pattern.matches(payloadOf(decoded));
      return (decoded.kind === 'mega' || decoded.kind === 'data') && pattern.matches(payloadOf(decoded));
    },
    handler: (decoded, context) => wrapped(view(decoded), context),
    limit: concurrency === undefined ? undefined : new Capacity(concurrency),
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

/** The decoded payload kind each subscriber kind (but `message`) accepts. */
const KIND_PAYLOAD: Record<Exclude<SubscriberKind, 'message'>, DecodedPayload['kind']> = {
  event: 'mega',
  data: 'data',
  text: 'text',
  binary: 'binary',
};

function compile(pattern: SubscriberPattern, syntax: 'dsl' | 'json', subscriber: string): CompiledPattern {
  const p = pattern as Partial<CompiledPattern>;
  if (p && typeof p === 'object' && typeof p.matches === 'function' && Array.isArray(p.branches)) {
    if (p.mode === 'attributes')
      throw new SubscriberPatternError(
        subscriber,
        'pattern',
        "a pattern that reads the payload: this JSON pattern was compiled in MessageAttributes scope (compileJsonPattern's default), which reads an SNS attribute map and never matches a payload; pass the plain object with { syntax: 'json' }, or compile it with { scope: 'MessageBody' }",
      );
    return pattern as CompiledPattern;
  }
  if (syntax === 'json') return compileJsonPattern(pattern as string | object, { scope: 'MessageBody' });
  return compilePattern(pattern as Parameters<typeof compilePattern>[0]);
}
