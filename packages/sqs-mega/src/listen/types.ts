import type { Message } from '@aws-sdk/client-sqs';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SqsMessageAttribute } from '../codec/attributes.js';
import type { DecodedPayload } from '../codec/decode.js';
import type { SnsNotification } from '../codec/sns.js';
import type { CompiledPattern } from '../match/core.js';
import type { DslPattern } from '../match/dsl.js';

/**
 * What a handler reports (SQS MEGA's process statuses). Returning nothing means `done`.
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

/** A handler: returns a {@link ProcessStatus} (or nothing for `done`), or throws (classified). */
export type Handler<P = unknown> = (
  payload: P,
  context: MessageContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing is done
) => ProcessStatus | undefined | Promise<ProcessStatus | undefined | void> | void;

/** Middleware wraps a handler in another: one concern each (logging, timeout, …). */
export type Middleware = (next: Handler) => Handler;

/** A pattern: DSL (see `compilePattern`) or an already compiled one (e.g. a JSON pattern in body scope). */
export type SubscriberPattern = DslPattern | CompiledPattern;

/** Settings shared by every subscriber form. */
export interface SubscriberOptions {
  /** Name for logs, events and outcome tracking (default: the class name or `subscriber-<n>`). Unique per listener. */
  name?: string;
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
 * A functional subscriber. `kind` chooses what it accepts: `event` (MEGA events; the pattern sees the
 * event), `data` (data objects), or `message` (default: everything; the pattern sees the event or
 * data object, and text/binary payloads match only a subscriber without pattern).
 */
export interface SubscriberDefinition<P = unknown> extends SubscriberOptions {
  kind?: 'event' | 'data' | 'message';
  /** No pattern: matches everything of its kind. */
  pattern?: SubscriberPattern;
  handler: Handler<P>;
}

/** A subscriber definition whose handler's payload type is inferred from its `schema`. */
export interface TypedSubscriberDefinition<S extends StandardSchemaV1>
  extends Omit<SubscriberDefinition<StandardSchemaV1.InferOutput<S>>, 'schema'> {
  schema: S;
}
