/**
 * A bound on the request bodies held in memory at once, across all connections. Each connection may
 * send up to `maxBodyBytes`, so without a shared bound many large bodies arriving together could take
 * `maxConnections × maxBodyBytes` of memory; past the budget a request is refused (503, retryable)
 * instead of buffered.
 */
export class BodyBudget {
  private held = 0;

  /** @param limit bytes of request bodies the broker may hold at once. */
  constructor(readonly limit: number) {}

  /** Takes `bytes` from the budget; false (taking nothing) when that would exceed it. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  /** Gives `bytes` back. */
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  /** Bytes currently held. */
  get inUse(): number {
    return this.held;
  }
}
