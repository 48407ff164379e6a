import { PatternError } from '../errors.js';
import { attributeValues } from './attributes.js';
import type { CompiledPattern, Condition } from './core.js';
import { anchorOf, Bucket, type Entry, PathIndex } from './index.js';
import { Many, MISSING } from './resolve.js';

/** Options of {@link MatcherSet}. */
export interface MatcherSetOptions {
  /**
   * What `match` receives: `object` (default; MEGA events, data objects, parsed JSON bodies — for DSL
   * patterns and JSON patterns of scope `MessageBody`) or `attributes` (SNS message attribute maps —
   * for JSON patterns of scope `MessageAttributes`).
   */
  input?: 'object' | 'attributes';
}

/**
 * Many compiled patterns (subscriptions) matched against one payload at a time, returning every match.
 *
 * Each pattern branch is indexed under one "anchor" condition — an exact value, a prefix, a numeric
 * range or a presence test on one path — so that a payload only evaluates the patterns its values
 * can select (the idea behind aws/event-ruler's state machine): matching cost grows with the number of
 * distinct indexed paths and of candidates, not with the number of patterns. Branches without an
 * indexable condition (e.g. only `anything-but`) are evaluated for every payload.
 *
 * Adding or removing patterns marks the index stale; it is rebuilt (O(patterns)) on the next match.
 */
export class MatcherSet<T = string> {
  private readonly input: 'object' | 'attributes';
  private readonly patterns = new Map<T, CompiledPattern>();
  private indexes: PathIndex<T>[] = [];
  private unanchored = new Bucket<T>();
  private stale = false;
  private epoch = 0;
  private patternSeen = new Uint32Array(0);
  private entrySeen = new Uint32Array(0);
  // Per-payload cache of resolved paths, keyed by the shared resolver's slot.
  private resolvers: ((root: unknown) => unknown)[] = [];
  private indexSlots = new Int32Array(0);
  private cacheSeen = new Uint32Array(0);
  private cacheValue: unknown[] = [];
  // Per-call state, kept on the instance so that matching allocates nothing but its result.
  private root: unknown;
  private out: T[] = [];
  private readonly buckets: Bucket<T>[] = [];

  constructor(options: MatcherSetOptions = {}) {
    this.input = options.input ?? 'object';
  }

  /** Number of patterns in the set. */
  get size(): number {
    return this.patterns.size;
  }

  /**
   * Adds (or replaces) the pattern registered under `id`.
   * @throws {@link PatternError} when the pattern reads another input than the set (attributes vs objects).
   */
  add(id: T, pattern: CompiledPattern): this {
    const wants = pattern.mode === 'attributes' ? 'attributes' : 'object';
    if (wants !== this.input) {
      throw new PatternError(
        '',
        pattern.mode,
        `a ${this.input} matcher set cannot hold a ${pattern.mode} pattern`,
      );
    }
    this.patterns.set(id, pattern);
    this.stale = true;
    return this;
  }

  /** Removes the pattern registered under `id`; returns whether there was one. */
  delete(id: T): boolean {
    const had = this.patterns.delete(id);
    if (had) this.stale = true;
    return had;
  }

  /** The pattern registered under `id`. */
  get(id: T): CompiledPattern | undefined {
    return this.patterns.get(id);
  }

  /**
   * Every id whose pattern matches `payload`, in no particular order, each once.
   * @param payload - a MEGA event, data object or parsed JSON body; or, for an `attributes` set, a
   *   message attribute map (`{name: {Type, Value}}` or `{name: {DataType, StringValue}}`).
   */
  match(payload: unknown): T[] {
    if (this.stale) this.rebuild();
    this.root = this.input === 'attributes' ? attributeValues(payload) : payload;
    this.out = [];
    if (++this.epoch === 0xffffffff) this.resetEpochs();
    const buckets = this.buckets;
    const out = this.out;
    for (let i = 0; i < this.indexes.length; i++) {
      const index = this.indexes[i] as PathIndex<T>;
      const found = index.resolve(this.root);
      const slot = this.indexSlots[i] as number;
      this.cacheSeen[slot] = this.epoch;
      this.cacheValue[slot] = found;
      if (found === MISSING) continue;
      const many = found instanceof Many;
      if (many) for (const value of found.values) index.lookup(value, buckets);
      else index.lookup(found, buckets);
      if (index.present.entries.length > 0) buckets.push(index.present);
      for (let b = 0; b < buckets.length; b++) {
        const bucket = buckets[b] as Bucket<T>;
        // One value reaches a simple entry at most once: copy its id without bookkeeping.
        const list = many ? bucket.entries : bucket.complex;
        if (!many) for (let j = 0; j < bucket.simpleIds.length; j++) out.push(bucket.simpleIds[j] as T);
        for (let j = 0; j < list.length; j++) this.consider(list[j] as Entry<T>);
      }
      buckets.length = 0;
    }
    const loose = this.unanchored.entries;
    for (let j = 0; j < loose.length; j++) this.consider(loose[j] as Entry<T>);
    this.out = [];
    this.root = undefined;
    return out;
  }

  private consider(entry: Entry<T>): void {
    const epoch = this.epoch;
    if (this.entrySeen[entry.index] === epoch || this.patternSeen[entry.slot] === epoch) return;
    this.entrySeen[entry.index] = epoch;
    const rest = entry.rest;
    for (let i = 0; i < rest.length; i++) {
      const condition = rest[i] as Condition;
      const slot = entry.restSlots[i] as number;
      if (slot < 0) {
        if (!condition.test(this.root)) return;
        continue;
      }
      let found: unknown;
      if (this.cacheSeen[slot] === epoch) found = this.cacheValue[slot];
      else {
        found = (this.resolvers[slot] as (root: unknown) => unknown)(this.root);
        this.cacheSeen[slot] = epoch;
        this.cacheValue[slot] = found;
      }
      if (!(condition.check as (found: unknown, root: unknown) => boolean)(found, this.root)) return;
    }
    this.patternSeen[entry.slot] = epoch;
    this.out.push(entry.id);
  }

  private rebuild(): void {
    const byPath = new Map<string, PathIndex<T>>();
    const unanchored = new Bucket<T>();
    let slot = 0;
    let count = 0;
    const slots = new Map<(root: unknown) => unknown, number>();
    const slotOf = (resolve: (root: unknown) => unknown): number => {
      let n = slots.get(resolve);
      if (n === undefined) {
        n = slots.size;
        slots.set(resolve, n);
      }
      return n;
    };
    for (const [id, pattern] of this.patterns) {
      const dsl = pattern.mode === 'dsl';
      for (const branch of pattern.branches) {
        const anchor = anchorOf(branch);
        const rest = branch.conditions.filter((_, i) => i !== anchor);
        const condition = branch.conditions[anchor];
        const hint = condition?.hint;
        const items =
          (hint?.exact?.length ?? 0) +
          (hint?.prefixes?.length ?? 0) +
          (hint?.ranges?.length ?? 0) +
          (hint?.exists ? 1 : 0);
        const simple = pattern.branches.length === 1 && rest.length === 0 && items === 1;
        const restSlots = Int32Array.from(rest, (c) => (c.resolve && c.check ? slotOf(c.resolve) : -1));
        const entry: Entry<T> = { id, slot, index: count++, rest, restSlots, simple };
        if (condition === undefined || hint === undefined) {
          unanchored.add({ ...entry, simple: false });
          continue;
        }
        const key = `${dsl ? 'd' : 'j'}\u0000${condition.path.join('\u0000')}`;
        let index = byPath.get(key);
        if (index === undefined) {
          index = new PathIndex<T>(condition.path, dsl);
          byPath.set(key, index);
        }
        for (const k of hint.exact ?? []) index.addExact(k, entry);
        for (const p of hint.prefixes ?? []) index.addPrefix(p, entry);
        for (const r of hint.ranges ?? []) index.addRange(r, entry);
        if (hint.exists) index.present.add(entry);
      }
      slot++;
    }
    for (const index of byPath.values()) index.seal();
    this.indexes = [...byPath.values()];
    this.indexSlots = Int32Array.from(this.indexes, (index) => slotOf(index.resolve));
    this.resolvers = [...slots.keys()];
    this.cacheSeen = new Uint32Array(slots.size);
    this.cacheValue = new Array(slots.size).fill(undefined);
    this.unanchored = unanchored;
    this.patternSeen = new Uint32Array(slot);
    this.entrySeen = new Uint32Array(count);
    this.epoch = 0;
    this.stale = false;
  }

  private resetEpochs(): void {
    this.patternSeen.fill(0);
    this.entrySeen.fill(0);
    this.cacheSeen.fill(0);
    this.epoch = 1;
  }
}
