import type { SqsMessageAttribute } from '../codec/attributes.js';
import type { ProcessStatus } from '../listen/types.js';

/**
 * What a job in a worker thread receives: the decoded payload (a MEGA event, a data object, a string
 * or bytes) and the message's identity, copied with the structured clone algorithm (no functions, no
 * abort signal: a job over its time limit is stopped by terminating its thread).
 */
export interface WorkerTask<P = unknown> {
  readonly payload: P;
  readonly messageId: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** The subscriber this job runs for. */
  readonly subscriber: string;
  readonly attributes: Record<string, SqsMessageAttribute>;
  readonly systemAttributes: Record<string, string>;
}

/**
 * The shape of a worker module's export: returns a status (or nothing, or any other value, for
 * `done`); throws to fail. An error's class does not cross the thread boundary, so a job that wants a
 * retry rather than a dead letter returns `'retriable-error'` (or `'retry-later'`) instead of throwing.
 */
export type WorkerFunction<P = unknown> = (
  task: WorkerTask<P>,
) => ProcessStatus | undefined | unknown | Promise<ProcessStatus | undefined | unknown>;
