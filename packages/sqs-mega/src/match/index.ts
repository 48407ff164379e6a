import type { Branch, Condition, NumericRange } from './core.js';
import { pathResolver } from './resolve.js';
import { asNumber, dslKey, jsonKey, snsNumber } from './values.js';

/** One branch of one pattern, registered under its anchor condition (or unanchored). */
export interface Entry<T> {
  readonly id: T;
  /** Dense number of the pattern (for per-event deduplication). */
  readonly slot: number;
  /** Dense number of the entry (so that it is evaluated at most once per event). */
  readonly index: number;
  /** The branch's conditions other than the anchor, which the index lookup already proved. */
  readonly rest: readonly Condition[];
  /** For each of `rest`, its slot in the per-payload path cache, or -1 when it resolves by itself. */
  readonly restSlots: Int32Array;
  /**
   * True when one payload value can reach this entry at most once and nothing else needs checking:
   * a single-branch pattern, one lookup item in its anchor hint, no other conditions.
   */
  readonly simple: boolean;
}

/** The entries under one index key, with the ids of the simple ones ready to copy out. */
export class Bucket<T> {
  readonly entries: Entry<T>[] = [];
  readonly simpleIds: T[] = [];
  readonly complex: Entry<T>[] = [];

  add(entry: Entry<T>): void {
    this.entries.push(entry);
    if (entry.simple) this.simpleIds.push(entry.id);
    else this.complex.push(entry);
  }
}

/**
 * The candidates index for one path: exact value keys, prefixes by length, numeric intervals cut into
 * elementary segments, and presence. A lookup costs O(distinct prefix lengths + log(ranges)), not
 * O(patterns).
 */
export class PathIndex<T> {
  /** Exact values by type, so that a lookup needs no key string: strings, numbers, others (`b…`, `z`). */
  private readonly strings = new Map<string, Bucket<T>>();
  private readonly numbers = new Map<number, Bucket<T>>();
  private readonly others = new Map<string, Bucket<T>>();
  readonly present = new Bucket<T>();
  private readonly prefixes = new Map<number, Map<string, Bucket<T>>>();
  private prefixLengths: number[] = [];
  private readonly ranges: [NumericRange, Entry<T>][] = [];
  private endpoints: number[] = [];
  private segments: (Bucket<T> | undefined)[] = [];

  constructor(
    readonly path: readonly string[],
    /** `true` for DSL paths (exact resolution, DSL keys), `false` for JSON-pattern paths (leaf fan-out). */
    readonly dsl: boolean,
  ) {
    this.resolve = pathResolver(path, !dsl);
  }

  /** Registers an exact-value key (see `jsonKey` / `dslKey`: `s…` strings, `n…` numbers, `b…`, `z`). */
  addExact(key: string, entry: Entry<T>): void {
    if (key.startsWith('s')) push(this.strings, key.slice(1), entry);
    else if (key.startsWith('n')) push(this.numbers, Number(key.slice(1)), entry);
    else push(this.others, key, entry);
  }

  addPrefix(prefix: string, entry: Entry<T>): void {
    let byPrefix = this.prefixes.get(prefix.length);
    if (byPrefix === undefined) {
      byPrefix = new Map();
      this.prefixes.set(prefix.length, byPrefix);
      this.prefixLengths = [...this.prefixes.keys()].sort((a, b) => a - b);
    }
    push(byPrefix, prefix, entry);
  }

  addRange(range: NumericRange, entry: Entry<T>): void {
    this.ranges.push([range, entry]);
  }

  /** Cuts the numeric ranges into elementary segments: slot 2k+1 is endpoint k, slot 2k the gap before it. */
  seal(): void {
    const points = new Set<number>();
    for (const [[low, , high]] of this.ranges) {
      if (Number.isFinite(low)) points.add(low);
      if (Number.isFinite(high)) points.add(high);
    }
    this.endpoints = [...points].sort((a, b) => a - b);
    const m = this.endpoints.length;
    this.segments = new Array(2 * m + 1);
    for (const [[low, lowInc, high, highInc], entry] of this.ranges) {
      const first = low === Number.NEGATIVE_INFINITY ? 0 : 2 * this.endpoints.indexOf(low) + (lowInc ? 1 : 2);
      const last =
        high === Number.POSITIVE_INFINITY ? 2 * m : 2 * this.endpoints.indexOf(high) + (highInc ? 1 : 0);
      for (let s = first; s <= last; s++) {
        let bucket = this.segments[s];
        if (bucket === undefined) {
          bucket = new Bucket<T>();
          this.segments[s] = bucket;
        }
        bucket.add(entry);
      }
    }
  }

  /** Values at this index's path in a prepared payload: one value, a {@link Many}, or `MISSING`. */
  readonly resolve: (root: unknown) => unknown;

  /**
   * Collects the buckets whose anchor accepts `value` into `into`: exact key,
   * each matching prefix length, the numeric segment.
   */
  lookup(value: unknown, into: Bucket<T>[]): void {
    let hits: Bucket<T> | undefined;
    if (typeof value === 'string') {
      const n = this.dsl && this.numbers.size > 0 ? asNumber(value) : undefined;
      hits = n === undefined ? this.strings.get(value) : this.numbers.get(n);
    } else if (typeof value === 'number') {
      hits = this.numbers.get(this.dsl ? value : snsNumber(value));
    } else if (this.others.size > 0) {
      const key = this.dsl ? dslKey(value) : jsonKey(value);
      if (key !== undefined) hits = this.others.get(key);
    }
    if (hits !== undefined) into.push(hits);
    if (typeof value === 'string') {
      const lengths = this.prefixLengths;
      for (let i = 0; i < lengths.length; i++) {
        const length = lengths[i] as number;
        if (length > value.length) break;
        const hits = this.prefixes.get(length)?.get(value.slice(0, length));
        if (hits !== undefined) into.push(hits);
      }
    } else if (typeof value === 'number' && this.ranges.length > 0) {
      const hits = this.segments[this.slotOf(value)];
      if (hits !== undefined) into.push(hits);
    }
  }

  private slotOf(value: number): number {
    const e = this.endpoints;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((e[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return e[lo] === value ? 2 * lo + 1 : 2 * lo;
  }
}

/** Anchor preference: exact lookups first, then prefixes, numeric ranges, presence. */
export function anchorOf(branch: Branch): number {
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  branch.conditions.forEach((condition, i) => {
    const hint = condition.hint;
    if (hint === undefined) return;
    const score = hint.exists ? 4 : hint.ranges ? 3 : hint.prefixes ? 2 : 1;
    if (score < bestScore) [best, bestScore] = [i, score];
  });
  return best;
}

function push<K, T>(map: Map<K, Bucket<T>>, key: K, entry: Entry<T>): void {
  let bucket = map.get(key);
  if (bucket === undefined) {
    bucket = new Bucket<T>();
    map.set(key, bucket);
  }
  bucket.add(entry);
}
