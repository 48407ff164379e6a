import { PatternError } from '../errors.js';
import { attributeValues } from './attributes.js';
import type { CompiledPattern } from './core.js';
import { compileLayout } from './layout.js';
import { LayoutMatcher } from './scan.js';

/** Options of {@link MatcherSet}. */
export interface MatcherSetOptions {
  /**
   * What `match` receives: `object` (default; MEGA events, data objects, parsed JSON bodies — for DSL
   * patterns and JSON patterns of scope `MessageBody`) or `attributes` (SNS message attribute maps —
   * for JSON patterns of scope `MessageAttributes`).
   */
  input?: 'object' | 'attributes';
}

/** One compiled tier of a set: its layout's matcher, its patterns, and those deleted since it was compiled. */
interface Tier<T> {
  readonly matcher: LayoutMatcher<T>;
  readonly members: Map<T, CompiledPattern>;
  readonly dead: Set<T>;
}

/** Patterns added since the last match below which the new ones join a small tier, not a recompile. */
const MIN_TIER = 64;

/**
 * Many compiled patterns (subscriptions) matched against one payload at a time, returning every match.
 *
 * Each pattern branch is indexed under one "anchor" condition — an exact value, a prefix or suffix, a
 * case-folded value, a numeric range or a presence test on one path — chosen across the whole set as
 * the condition whose index items the fewest other branches share (so the order in which a pattern
 * writes its keys does not matter), so that a payload only evaluates the patterns its values can select
 * (the idea behind aws/event-ruler's state machine): matching cost grows with the number of distinct
 * indexed paths and of matches, not with the number of patterns. Branches without an indexable
 * condition (e.g. only `anything-but`) are evaluated for every payload.
 *
 * The patterns live in a few tiers, each one immutable compiled layout (see `compileLayout`): patterns
 * added since the last match are compiled into a new tier on the next match, and tiers of similar size
 * are merged (like a binary counter), so adding a pattern to 10,000 compiles O(log n) patterns
 * amortized, not 10,000; a deleted pattern is dropped from its tier's results until that tier is
 * recompiled (when a quarter of it is deleted).
 */
export class MatcherSet<T = string> {
  private readonly input: 'object' | 'attributes';
  private readonly patterns = new Map<T, CompiledPattern>();
  /** Patterns added since the last match, not compiled yet. */
  private readonly pending = new Map<T, CompiledPattern>();
  /** Which tier holds each compiled id. */
  private readonly tierOf = new Map<T, Tier<T>>();
  /** Largest first. */
  private tiers: Tier<T>[] = [];
  private dirty = false;
  /** Scratch output, sized for every compiled pattern (so writes stay in bounds). */
  private out: T[] = [];

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
    this.bury(id);
    this.patterns.set(id, pattern);
    this.pending.set(id, pattern);
    this.dirty = true;
    return this;
  }

  /** Removes the pattern registered under `id`; returns whether there was one. */
  delete(id: T): boolean {
    const had = this.patterns.delete(id);
    if (had) {
      this.bury(id);
      this.pending.delete(id);
    }
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
    if (this.dirty) this.compact();
    const root = this.input === 'attributes' ? attributeValues(payload) : payload;
    const out = this.out;
    const tiers = this.tiers;
    let count = 0;
    for (let t = 0; t < tiers.length; t++) {
      const tier = tiers[t] as Tier<T>;
      const from = count;
      count = tier.matcher.run(root, out, count);
      if (tier.dead.size > 0) {
        let kept = from;
        for (let k = from; k < count; k++) {
          const id = out[k] as T;
          if (!tier.dead.has(id)) out[kept++] = id;
        }
        count = kept;
      }
    }
    return out.slice(0, count);
  }

  /** Marks the compiled copy of `id` (if any) dead in its tier. */
  private bury(id: T): void {
    const tier = this.tierOf.get(id);
    if (tier === undefined) return;
    tier.dead.add(id);
    this.tierOf.delete(id);
    this.dirty = true;
  }

  /**
   * Compiles the pending patterns into a new tier, merges the newest tiers while the older is not more
   * than twice the newer, and recompiles tiers a quarter dead.
   */
  private compact(): void {
    const tiers = this.tiers.filter((t) => t.dead.size < t.members.size);
    let fresh = new Map(this.pending);
    this.pending.clear();
    // A binary counter: the new tier absorbs the newest tiers not more than twice its size (and any
    // smaller than MIN_TIER, so that one-by-one adds do not pile up tiers).
    while (tiers.length > 0) {
      const last = tiers[tiers.length - 1] as Tier<T>;
      const live = last.members.size - last.dead.size;
      if (live >= MIN_TIER && live > 2 * fresh.size) break;
      tiers.pop();
      fresh = new Map([...liveMembers(last), ...fresh]);
    }
    if (fresh.size > 0) tiers.push(this.tier(fresh));
    for (const [i, tier] of tiers.entries()) {
      if (tier.dead.size * 4 > tier.members.size) tiers[i] = this.tier(new Map(liveMembers(tier)));
    }
    this.tiers = tiers;
    // Scratch sized for every compiled pattern, filled with ids so that it keeps their elements kind.
    const out: T[] = [];
    for (const tier of tiers) for (const id of tier.members.keys()) out.push(id);
    this.out = out;
    this.dirty = false;
  }

  private tier(members: Map<T, CompiledPattern>): Tier<T> {
    const tier: Tier<T> = { matcher: new LayoutMatcher(compileLayout(members)), members, dead: new Set() };
    for (const id of members.keys()) this.tierOf.set(id, tier);
    return tier;
  }
}

function* liveMembers<T>(tier: Tier<T>): Iterable<[T, CompiledPattern]> {
  for (const entry of tier.members) if (!tier.dead.has(entry[0])) yield entry;
}
