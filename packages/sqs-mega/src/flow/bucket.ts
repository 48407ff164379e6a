/** A token bucket's state: `tokens` at time `at` (ms); `next`: the last slot given to a refused message. */
export interface Bucket {
  tokens: number;
  at: number;
  next?: number;
}

/**
 * Takes one token from `bucket` (refilled at `rate` per second up to `burst` since `bucket.at`):
 * returns 0 when taken, else the ms to wait (the bucket is left untaken). Successive refusals get
 * successive slots `1/rate` apart (the first when a token is due), so that a key's deferred backlog
 * comes back at its rate instead of all at once and refused again.
 */
export function takeToken(bucket: Bucket, now: number, rate: number, burst: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed / 1000) * rate);
  bucket.at = Math.max(bucket.at, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  const due = now + ((1 - bucket.tokens) / rate) * 1000;
  const slot = Math.max(due, (bucket.next ?? 0) + 1000 / rate);
  bucket.next = slot;
  return Math.max(1, Math.ceil(slot - now));
}
