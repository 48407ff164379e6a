import { RetriableError } from '../listen/errors.js';

/**
 * What a claim on an idempotency key found:
 * - `claimed`: this caller owns the key until the lease runs out; it runs the work, then calls
 *   `complete` (done: later claims answer `done`) or `release` (failed: the next claim may run it);
 * - `done`: the work was completed before (within the completion record's TTL): skip it;
 * - `busy`: someone else holds an unexpired lease: the work is under way elsewhere.
 */
export type Claim =
  | { state: 'claimed'; lease: Lease }
  | { state: 'done' }
  | { state: 'busy'; retryAfterMs?: number };

/** A held claim. */
export interface Lease {
  /** Records the key as done for `ttlMs` milliseconds and ends the lease. */
  complete(ttlMs: number): Promise<void>;
  /** Gives the key up without recording it as done (the work failed or was not attempted). */
  release(): Promise<void>;
  /** Pushes the lease's end to `leaseMs` milliseconds from now (long-running work). */
  extend?(leaseMs: number): Promise<void>;
  /** True when `complete` also commits the work's own writes (a transactional inbox): a failed completion undid them. */
  readonly transactional?: boolean;
  /** Store-specific handle the work may use, e.g. the PostgreSQL transaction's client. */
  readonly resource?: unknown;
}

/**
 * Where idempotency keys are claimed and completed. Implementations: `memoryStore`
 * (`sqs-mega/idempotency`), `redisStore` (`sqs-mega/idempotency/redis`) and `postgresStore`
 * (`sqs-mega/idempotency/postgres`).
 */
export interface IdempotencyStore {
  /** For errors and logs: the store kind and its address, e.g. `redis 127.0.0.1:6379`. */
  readonly description: string;
  /**
   * Claims `key` for `leaseMs` milliseconds (the lease lets the key go again if the claimant dies).
   * @throws {@link IdempotencyStoreError} when the store cannot be reached.
   */
  claim(key: string, leaseMs: number): Promise<Claim>;
}

/**
 * The idempotency store could not be reached or answered with an error. Retriable: the message is
 * not acknowledged and comes back after its backoff; the listener keeps running.
 */
export class IdempotencyStoreError extends RetriableError {
  override name = 'IdempotencyStoreError';
  constructor(
    /** The store kind and address (`redis 127.0.0.1:6379`, `postgres 127.0.0.1:5432/test`). */
    readonly store: string,
    /** What was being done: `claim`, `complete`, `release`, `extend`. */
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(
      `idempotency store ${store} failed to ${operation}: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`,
    );
  }
}

/** Runs `fn`, turning any failure into an {@link IdempotencyStoreError}. */
export async function storeCall<T>(store: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IdempotencyStoreError) throw error;
    throw new IdempotencyStoreError(store, operation, error);
  }
}
