import { type Clock, sleep } from '../clock.js';

/** Exponential backoff with jitter, bounded. Every field has a default. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 1,000). */
  initialMs?: number;
  /** Upper bound of any delay, in ms (default 300,000 = 5 min). */
  maxMs?: number;
  /** Growth factor per attempt (default 2). */
  multiplier?: number;
  /**
   * `equal` (default): half the delay fixed, half random; `full`: uniformly 0..delay; `none`:
   * deterministic (useful in tests).
   */
  jitter?: 'equal' | 'full' | 'none';
  /** Source of randomness in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/** The delay in ms before retry number `attempt` (1 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 1000;
  const max = options.maxMs ?? 300_000;
  const exp = Math.min(max, initial * (options.multiplier ?? 2) ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  switch (options.jitter ?? 'equal') {
    case 'none':
      return exp;
    case 'full':
      return Math.floor(random() * exp);
    default:
      return Math.floor(exp / 2 + random() * (exp / 2));
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'KMSThrottlingException',
]);

/**
 * True for errors worth retrying: network failures (connection refused/reset, timeouts), AWS
 * throttling, HTTP 5xx and 429, and SDK errors marked `$retryable`.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
    errors?: unknown[];
  };
  if (e.$retryable) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isTransientError)) return true;
  return e.cause !== undefined && e.cause !== error && isTransientError(e.cause);
}

/** Options of {@link retrying}. */
export interface RetryingOptions {
  clock: Clock;
  /** Attempts in all, including the first (default: unlimited). */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Stops retrying (rejecting with the last error) once aborted. */
  signal?: AbortSignal;
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn`, retrying transient failures ({@link isTransientError}) with backoff. Other errors reject at once. */
export async function retrying<T>(fn: () => Promise<T>, options: RetryingOptions): Promise<T> {
  const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
  const backoff = { initialMs: 100, maxMs: 5000, ...options.backoff };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isTransientError(error) || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, backoff);
      options.onRetry?.(error, attempt, delay);
      await sleep(options.clock, delay, options.signal).catch(() => {
        throw error;
      });
    }
  }
}
