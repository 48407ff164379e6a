import { MegaError } from '../errors.js';
import { isTransientError } from './backoff.js';
import { ProcessStatus } from './types.js';

/** Throw from a handler to ask for a retry (status `retriable-error`). */
export class RetriableError extends MegaError {
  override name = 'RetriableError';
}

/** Throw from a handler to mark the message as not processable (status `fatal-error`: dead-letter). */
export class FatalError extends MegaError {
  override name = 'FatalError';
}

/** A handler ran longer than its timeout; its signal was aborted. Retriable. */
export class HandlerTimeoutError extends MegaError {
  override name = 'HandlerTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`handler timed out after ${timeoutMs} ms`);
  }
}

/**
 * `subscribe` was given a pattern that could never match a payload, e.g. a JSON pattern compiled in
 * `MessageAttributes` scope (it reads an SNS attribute map, not the payload).
 */
export class SubscriberPatternError extends MegaError {
  override name = 'SubscriberPatternError';
  constructor(
    /** The subscriber's name. */
    readonly subscriber: string,
    /** The offending field, e.g. `pattern`. */
    readonly field: string,
    /** What the field must be. */
    readonly rule: string,
  ) {
    super(`subscriber ${subscriber}: ${field} must be ${rule}`);
  }
}

/** Maps an exception thrown by a handler to a status. */
export type ErrorClassifier = (
  error: unknown,
) => typeof ProcessStatus.RETRIABLE_ERROR | typeof ProcessStatus.FATAL_ERROR;

/**
 * The default classifier: {@link RetriableError}, {@link HandlerTimeoutError} and transient failures
 * (network errors, AWS throttling, 5xx: `isTransientError`) are retriable; everything else is fatal,
 * as in SQS MEGA.
 */
export const defaultErrorClassifier: ErrorClassifier = (error) =>
  error instanceof RetriableError || error instanceof HandlerTimeoutError || isTransientError(error)
    ? ProcessStatus.RETRIABLE_ERROR
    : ProcessStatus.FATAL_ERROR;
