import type { Message } from '@aws-sdk/client-sqs';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SqsMessageAttribute } from '../codec/attributes.js';
import type { DecodedPayload } from '../codec/decode.js';
import type { SnsNotification } from '../codec/sns.js';
import type { CompiledPattern } from '../match/core.js';
import type { DslPattern } from '../match/dsl.js';

/**
 * What a handler reports (SQS MEGA's process statuses). Returning normally means `done`, whatever the
 * value (nothing, or e.g. the `Map` that `map.set()` returns); only one of these statuses, or a throw,
 * means otherwise.
 * - `done`: processed; the message may be deleted (once every matching subscriber is done).
 * - `retry-later` / `retriable-error`: leave the message; it is retried after a backoff.
 * - `fatal-error`: never retried; the message goes to the dead-letter queue.
 */
export const ProcessStatus = {
  DONE: 'done',
  RETRY_LATER: 'retry-later',
  RETRIABLE_ERROR: 'retriable-error',
  FATAL_ERROR: 'fatal-error',
} as const;
export type ProcessStatus = (typeof ProcessStatus)[keyof typeof ProcessStatus];

/** What a handler sees besides the payload. */
export interface MessageContext {
  readonly messageId: string;
  readonly receiptHandle: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** The SQS message attributes (SDK shape). */
  readonly attributes: Record<string, SqsMessageAttribute>;
  /** The SQS system attributes (`SentTimestamp`, `MessageGroupId`, …). */
  readonly systemAttributes: Record<string, string>;
  /** The SNS envelope when the message came through SNS (unwrapped). */
  readonly sns?: SnsNotification;
  /** The decoded payload, with its kind (`mega`, `data`, `text`, `binary`). */
  readonly decoded: DecodedPayload;
  /** Name of the subscriber being run. */
  readonly subscriber: string;
  /** Aborted on handler timeout or when shutdown's deadline passes. */
  readonly signal: AbortSignal;
  /** Makes the message invisible for `seconds` more from now (ChangeMessageVisibility). */
  extendVisibility(seconds: number): Promise<void>;
  /** The raw SQS message. */
  readonly message: Message;
}

/**
 * A handler: returns a {@link ProcessStatus}, or anything else (nothing included) for `done`; or
 * throws (classified by the listener's `classifyError`).
 */
export type Handler<P = unknown> = (payload: P, context: MessageContext) => HandlerResult;

/**
 * What a handler returns, or what its promise resolves with: a {@link ProcessStatus}, or anything else
 * (nothing, a `Map`, a count…), which means `done`. Typed `unknown` so that any function body is a
 * valid handler: `(e) => map.set(e.id, e)` is a handler that succeeds.
 */
export type HandlerResult = ProcessStatus | Promise<unknown> | unknown;

const STATUSES: ReadonlySet<unknown> = new Set(Object.values(ProcessStatus));

/** True when `value` is one of the {@link ProcessStatus} values. */
export function isProcessStatus(value: unknown): value is ProcessStatus {
  return STATUSES.has(value);
}

/** Middleware wraps a handler in another: one concern each (logging, timeout, …). */
export type Middleware = (next: Handler) => Handler;

/**
 * A pattern: DSL (see `compilePattern`; the default), a JSON pattern given as an object or JSON text
 * with `syntax: 'json'` (compiled in `MessageBody` scope), or an already compiled pattern of either
 * syntax. A compiled JSON pattern must be in `MessageBody` scope: one compiled in the default
 * `MessageAttributes` scope reads an attribute map and can never match a payload, so `subscribe`
 * refuses it with a {@link SubscriberPatternError}.
 */
export type SubscriberPattern = DslPattern | CompiledPattern;

/** The kinds of subscriber: which decoded payloads each accepts. */
export type SubscriberKind = 'event' | 'data' | 'message' | 'text' | 'binary';

/** Settings shared by every subscriber form. */
export interface SubscriberOptions {
  /**
   * Name for logs, events and outcome tracking (default: the class name or `subscriber-<n>`). Unique per
   * listener. Every form of `subscribe` takes it in its last argument (`subscribe(pattern, handler,
   * { name })`, `subscribe(definition, { name })`, `subscribe(new MySubscriber(), { name })`), which wins
   * over a `name` inside the definition or on the class.
   */
  name?: string;
  /**
   * How a plain-object (or string) pattern is read: `dsl` (default, see `compilePattern`) or `json`
   * (an SNS filter policy / EventBridge pattern, compiled by `compileJsonPattern` in `MessageBody`
   * scope with the `sns` dialect). Ignored for an already compiled pattern.
   */
  syntax?: 'dsl' | 'json';
  /** At most this many concurrent runs of this subscriber (default: only the listener's limit). */
  concurrency?: number;
  /** Middleware for this subscriber only, applied inside the listener's. */
  middleware?: Middleware[];
  /**
   * A Standard Schema (zod, valibot, arktype, …) for what the handler receives (the MEGA event, the
   * data object): the handler gets the schema's output; a payload that fails it is a poison message
   * (dead-lettered with the issues, never handled). Default: none.
   */
  schema?: StandardSchemaV1;
}

/**
 * A functional subscriber. `kind` chooses what it accepts: `event` (MEGA events; the pattern and the
 * handler see the {@link MegaPayload}), `data` (data objects), `text` (plaintext payloads; the handler
 * gets the string, a DSL pattern such as `match(/^PING/)` is tested against it), `binary` (bytes; the
 * handler gets a `Uint8Array`), or `message` (default: everything; the pattern sees the event or data
 * object, and text/binary payloads match only a subscriber without pattern). Text and binary
 * subscribers never receive events or data objects, so they leave the `unmatched` policy working.
 */
export interface SubscriberDefinition<P = unknown> extends SubscriberOptions {
  kind?: SubscriberKind;
  /** No pattern: matches everything of its kind. */
  pattern?: SubscriberPattern;
  handler: Handler<P>;
}

/** A subscriber definition whose handler's payload type is inferred from its `schema`. */
export interface TypedSubscriberDefinition<S extends StandardSchemaV1>
  extends Omit<SubscriberDefinition<StandardSchemaV1.InferOutput<S>>, 'schema'> {
  schema: S;
}
