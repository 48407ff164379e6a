import { snsErrors } from '../../errors.js';
import { jsonObject } from '../validation.js';

/** The retry policy of HTTP/S deliveries (SNS's `healthyRetryPolicy`). Delays in seconds. */
export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'arithmetic' | 'exponential' | 'geometric' | 'linear';
}

/** SNS's default for HTTP/S endpoints: 3 retries, 20 s apart. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: 'linear',
};

const BACKOFF = ['arithmetic', 'exponential', 'geometric', 'linear'];
const NUMBERS = [
  'minDelayTarget',
  'maxDelayTarget',
  'numRetries',
  'numNoDelayRetries',
  'numMinDelayRetries',
  'numMaxDelayRetries',
] as const;

/**
 * Validates a retry policy object (missing members take the defaults): delays 1–3600 s with
 * min ≤ max, at most 100 retries, and the phases fitting within `numRetries`.
 */
export function checkRetryPolicy(raw: unknown, what: string): RetryPolicy {
  if (raw === undefined) return DEFAULT_RETRY_POLICY;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw snsErrors.invalidParameter(`${what}: healthyRetryPolicy must be an object`);
  const policy = { ...DEFAULT_RETRY_POLICY, ...(raw as Partial<RetryPolicy>) };
  for (const key of NUMBERS) {
    const n = policy[key];
    if (!Number.isInteger(n) || n < 0)
      throw snsErrors.invalidParameter(`${what}: ${key} must be a non-negative integer`);
  }
  if (
    policy.minDelayTarget < 1 ||
    policy.maxDelayTarget > 3600 ||
    policy.minDelayTarget > policy.maxDelayTarget
  )
    throw snsErrors.invalidParameter(
      `${what}: minDelayTarget must be from 1 to maxDelayTarget, and maxDelayTarget at most 3600`,
    );
  if (policy.numRetries > 100) throw snsErrors.invalidParameter(`${what}: numRetries must be at most 100`);
  if (policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries > policy.numRetries)
    throw snsErrors.invalidParameter(
      `${what}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries`,
    );
  if (!BACKOFF.includes(policy.backoffFunction))
    throw snsErrors.invalidParameter(`${what}: backoffFunction must be one of ${BACKOFF.join(', ')}`);
  return policy;
}

/** A subscription's `DeliveryPolicy` attribute: `{"healthyRetryPolicy": {...}, "throttlePolicy": {...}}`. */
export function subscriptionRetryPolicy(value: string | undefined): RetryPolicy | undefined {
  if (value === undefined) return undefined;
  return checkRetryPolicy(jsonObject('DeliveryPolicy', value).healthyRetryPolicy, 'DeliveryPolicy');
}

/** A topic's `DeliveryPolicy` attribute: `{"http": {"defaultHealthyRetryPolicy": {...}}}`. */
export function topicRetryPolicy(value: string | undefined): RetryPolicy | undefined {
  if (value === undefined) return undefined;
  const http = jsonObject('DeliveryPolicy', value).http as Record<string, unknown> | undefined;
  return checkRetryPolicy(http?.defaultHealthyRetryPolicy, 'DeliveryPolicy');
}

/** The policy in force: the subscription's, else the topic's, else SNS's default. */
export function effectiveRetryPolicy(topicPolicy?: string, subscriptionPolicy?: string): RetryPolicy {
  return subscriptionRetryPolicy(subscriptionPolicy) ?? topicRetryPolicy(topicPolicy) ?? DEFAULT_RETRY_POLICY;
}

/**
 * The delay before retry `n` (1-based), in ms, in SNS's four phases: immediate retries, retries at the
 * minimum delay, a backoff phase from the minimum to the maximum delay, retries at the maximum delay.
 */
export function retryDelayMs(policy: RetryPolicy, n: number): number {
  const { numNoDelayRetries: none, numMinDelayRetries: atMin, numMaxDelayRetries: atMax } = policy;
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  if (n <= none) return 0;
  if (n <= none + atMin) return min * 1000;
  const backoff = policy.numRetries - none - atMin - atMax;
  const i = n - none - atMin;
  if (i > backoff || backoff <= 0) return max * 1000;
  const t = backoff === 1 ? 1 : (i - 1) / (backoff - 1);
  const delay =
    policy.backoffFunction === 'linear' || policy.backoffFunction === 'arithmetic'
      ? min + (max - min) * t
      : min * (max / min) ** t;
  return Math.round(delay * 1000);
}
