import { PatternError } from '../errors.js';
import { attributeValues } from './attributes.js';
import type { CompiledPattern, Condition } from './core.js';
import { anchorOf, type Entry, forEachValue, PathIndex } from './index.js';

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
  private unanchored: Entry<T>[] = [];
  private stale = false;
  private epoch = 0;
  private patternSeen = new Uint32Array(0);
  private entrySeen = new Uint32Array(0);
  // Per-call state, kept on the instance so that matching allocates nothing but its result.
  private root: unknown;
  private out: T[] = [];
  private readonly visit = (entry: Entry<T>): void => this.consider(entry);
  private readonly probeValue = (value: unknown): void => this.current?.probe(value, this.visit);
  private current: PathIndex<T> | undefined;

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
    for (let i = 0; i < this.indexes.length; i++) {
      const index = this.indexes[i] as PathIndex<T>;
      this.current = index;
      const found = index.resolve(this.root);
      if (forEachValue(found, this.probeValue)) {
        const present = index.existsEntries;
        for (let j = 0; j < present.length; j++) this.consider(present[j] as Entry<T>);
      }
    }
    this.current = undefined;
    for (let i = 0; i < this.unanchored.length; i++) this.consider(this.unanchored[i] as Entry<T>);
    const out = this.out;
    this.out = [];
    this.root = undefined;
    return out;
  }

  private consider(entry: Entry<T>): void {
    const epoch = this.epoch;
    if (this.entrySeen[entry.index] === epoch || this.patternSeen[entry.slot] === epoch) return;
    this.entrySeen[entry.index] = epoch;
    const rest = entry.rest;
    for (let i = 0; i < rest.length; i++) if (!(rest[i] as Condition).test(this.root)) return;
    this.patternSeen[entry.slot] = epoch;
    this.out.push(entry.id);
  }

  private rebuild(): void {
    const byPath = new Map<string, PathIndex<T>>();
    const unanchored: Entry<T>[] = [];
    let slot = 0;
    let count = 0;
    for (const [id, pattern] of this.patterns) {
      const dsl = pattern.mode === 'dsl';
      for (const branch of pattern.branches) {
        const anchor = anchorOf(branch);
        const rest = branch.conditions.filter((_, i) => i !== anchor);
        const entry: Entry<T> = { id, slot, index: count++, rest };
        const condition = branch.conditions[anchor];
        if (condition?.hint === undefined) {
          unanchored.push(entry);
          continue;
        }
        const key = `${dsl ? 'd' : 'j'}\u0000${condition.path.join('\u0000')}`;
        let index = byPath.get(key);
        if (index === undefined) {
          index = new PathIndex<T>(condition.path, dsl);
          byPath.set(key, index);
        }
        const hint = condition.hint;
        for (const k of hint.exact ?? []) index.addExact(k, entry);
        for (const p of hint.prefixes ?? []) index.addPrefix(p, entry);
        for (const r of hint.ranges ?? []) index.addRange(r, entry);
        if (hint.exists) index.existsEntries.push(entry);
      }
      slot++;
    }
    for (const index of byPath.values()) index.seal();
    this.indexes = [...byPath.values()];
    this.unanchored = unanchored;
    this.patternSeen = new Uint32Array(slot);
    this.entrySeen = new Uint32Array(count);
    this.epoch = 0;
    this.stale = false;
  }

  private resetEpochs(): void {
    this.patternSeen.fill(0);
    this.entrySeen.fill(0);
    this.epoch = 1;
  }
}
