import type { Message } from '@aws-sdk/client-sqs';
import type { SqsMessageAttribute } from '../codec/attributes.js';
import { type DecodedMessage, type DecodedPayload, decodeMessage } from '../codec/decode.js';
import type { SnsNotification } from '../codec/sns.js';
import { setOwn } from '../own.js';
import { isDeferral, targeted } from './defer.js';
import type { ErrorClassifier } from './errors.js';
import type { OutcomeMemory } from './outcomes.js';
import { SchemaValidationError } from './schema.js';
import type { Subscription } from './subscribers.js';
import { isProcessStatus, type MessageContext, ProcessStatus } from './types.js';

/** What dispatching one message found. */
export type Dispatch =
  | { kind: 'confirmation' }
  | { kind: 'poison'; reason: string }
  | { kind: 'unmatched'; decoded: DecodedPayload }
  | { kind: 'ran'; statuses: Record<string, ProcessStatus>; errors: Record<string, unknown> };

/** Per-message facts the dispatcher needs from the listener. */
export interface DispatchInput {
  message: Message;
  /** The message decoded once by the listener (decoded here when absent). */
  decoded?: DecodedMessage;
  receiveCount: number;
  signal: AbortSignal;
  extendVisibility(seconds: number): Promise<void>;
}

/**
 * Decodes a message (SNS envelopes transparently) and runs every matching subscriber that has not
 * already finished it (per the outcome memory), concurrently, each within its own concurrency limit.
 * Exceptions become statuses through the classifier.
 */
export async function dispatch(
  input: DispatchInput,
  subscriptions: readonly Subscription[],
  memory: OutcomeMemory,
  classify: ErrorClassifier,
): Promise<Dispatch> {
  const { message } = input;
  const attributes = (message.MessageAttributes ?? {}) as Record<string, SqsMessageAttribute>;
  const decoded = input.decoded ?? decodeMessage(message.Body ?? '', attributes);
  if (decoded.kind === 'sns-confirmation') return { kind: 'confirmation' };
  if (decoded.kind === 'invalid') return { kind: 'poison', reason: `invalid payload: ${decoded.reason}` };
  // A rerouted copy (flow control) is only for the subscribers that deferred it.
  const matching = subscriptions.filter((s) => s.accepts(decoded) && targeted(attributes, s.name));
  if (matching.length === 0) return { kind: 'unmatched', decoded };
  const messageId = message.MessageId ?? '';
  const finished = memory.finished(messageId);
  const statuses: Record<string, ProcessStatus> = {};
  const errors: Record<string, unknown> = {};
  const base = {
    messageId,
    receiptHandle: message.ReceiptHandle ?? '',
    receiveCount: input.receiveCount,
    attributes,
    systemAttributes: (message.Attributes ?? {}) as Record<string, string>,
    decoded,
    signal: input.signal,
    extendVisibility: input.extendVisibility,
    message,
    ...(decoded.sns ? { sns: decoded.sns as SnsNotification } : {}),
  };
  await Promise.all(
    matching.map(async (subscription) => {
      if (finished.has(subscription.name)) {
        setOwn(statuses, subscription.name, ProcessStatus.DONE);
        return;
      }
      const release = subscription.limit ? await subscription.limit.acquire() : undefined;
      const context: MessageContext = { ...base, subscriber: subscription.name };
      try {
        // Returning normally is success: only an explicit status means otherwise (a handler that
        // returns, say, the Map of `map.set()` is done, not retried forever).
        const result: unknown = await subscription.handler(decoded, context);
        setOwn(statuses, subscription.name, isProcessStatus(result) ? result : ProcessStatus.DONE);
      } catch (error) {
        // A payload its schema rejects is poison whatever the classifier says: retrying cannot fix it.
        setOwn(
          statuses,
          subscription.name,
          error instanceof SchemaValidationError
            ? ProcessStatus.FATAL_ERROR
            : isDeferral(error)
              ? ProcessStatus.RETRY_LATER
              : classify(error),
        );
        setOwn(errors, subscription.name, error);
      } finally {
        release?.();
      }
      if (statuses[subscription.name] === ProcessStatus.DONE) memory.record(messageId, subscription.name);
    }),
  );
  return { kind: 'ran', statuses, errors };
}
