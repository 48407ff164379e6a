import type { Clock, Timer } from '../clock.js';

/** The outcome of one entry of a batch call. */
export type EntryResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Options of {@link Batcher}. */
export interface BatcherOptions<E, R> {
  /** Sends up to `maxEntries` entries in one call; returns one result per entry, in order. */
  send: (entries: E[]) => Promise<EntryResult<R>[]>;
  /** Entries per call (default 10). */
  maxEntries?: number;
  /** Bytes per call (sum of `size`); default unbounded. */
  maxBytes?: number;
  size?: (entry: E) => number;
  /**
   * How long an entry may wait for others, in ms. 0 (default): entries added in the same turn of the
   * event loop go together, nothing waits longer.
   */
  lingerMs?: number;
  clock: Clock;
}

interface Pending<E, R> {
  entry: E;
  size: number;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects entries added close together into batch calls (≤ `maxEntries`, ≤ `maxBytes`); each
 * caller's promise settles with its own entry's result. A failed call rejects each of its entries.
 */
export class Batcher<E, R> {
  private pending: Pending<E, R>[] = [];
  private pendingBytes = 0;
  private scheduled: Timer | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxEntries: number;

  constructor(private readonly options: BatcherOptions<E, R>) {
    this.maxEntries = options.maxEntries ?? 10;
  }

  /** Queues one entry; resolves with its result once its batch has been sent. */
  add(entry: E): Promise<R> {
    const size = this.options.size?.(entry) ?? 0;
    return new Promise<R>((resolve, reject) => {
      const max = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
      if (this.pending.length > 0 && this.pendingBytes + size > max) this.sendNow();
      this.pending.push({ entry, size, resolve, reject });
      this.pendingBytes += size;
      if (this.pending.length >= this.maxEntries) this.sendNow();
      else this.schedule();
    });
  }

  /** Entries queued or being sent. */
  get size(): number {
    return this.pending.length + this.inFlight.size;
  }

  /** Sends everything queued and waits for every call under way. */
  async flush(): Promise<void> {
    this.sendNow();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(): void {
    if (this.scheduled) return;
    const linger = this.options.lingerMs ?? 0;
    if (linger > 0) {
      this.scheduled = this.options.clock.setTimeout(() => this.sendNow(), linger);
    } else {
      const handle = setImmediate(() => this.sendNow());
      this.scheduled = { cancel: () => clearImmediate(handle) };
    }
  }

  private sendNow(): void {
    this.scheduled?.cancel();
    this.scheduled = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    const call = this.deliver(batch).finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  private async deliver(batch: Pending<E, R>[]): Promise<void> {
    let results: EntryResult<R>[];
    try {
      results = await this.options.send(batch.map((p) => p.entry));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const result = results[i];
      if (!result) p.reject(new Error('batch call returned no result for this entry'));
      else if (result.ok) p.resolve(result.value);
      else p.reject(result.error);
    });
  }
}

/** Maps a batch response (`Successful`/`Failed` keyed by entry `Id` = index) to per-entry results. */
export function resultsById<S extends { Id?: string | undefined }, R>(
  count: number,
  successful: S[] | undefined,
  failed:
    | {
        Id?: string | undefined;
        Code?: string | undefined;
        Message?: string | undefined;
        SenderFault?: boolean | undefined;
      }[]
    | undefined,
  value: (entry: S) => R,
  error: (code: string, message: string, senderFault: boolean) => unknown,
): EntryResult<R>[] {
  const results: EntryResult<R>[] = new Array(count);
  for (const s of successful ?? []) results[Number(s.Id)] = { ok: true, value: value(s) };
  for (const f of failed ?? [])
    results[Number(f.Id)] = {
      ok: false,
      error: error(f.Code ?? 'Unknown', f.Message ?? '', f.SenderFault ?? false),
    };
  return results;
}
