import { PatternError } from '../errors.js';
import { attributeValues } from './attributes.js';
import type { CompiledPattern, Condition, Hint } from './core.js';
import { anchorOf, type Layout, PathIndex, Program } from './index.js';
import { shapeOf } from './json-compile.js';
import { Many, MISSING } from './resolve.js';

// Condition shapes checked inline (see ConditionShape).
const GENERIC = 0;
const EXISTS = 1;
const DIFFERS = 2;

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
 * distinct indexed paths and of matches, not with the number of patterns. Branches without an
 * indexable condition (e.g. only `anything-but`) are evaluated for every payload.
 *
 * The layout is flat: patterns, branches and distinct conditions are numbered densely, per-payload
 * state lives in typed arrays stamped with an epoch (so nothing is reset between payloads), equal
 * conditions of different patterns are evaluated once per payload, and under each index key the ids
 * of single-branch patterns are stored in runs that share their remaining conditions, so that a match
 * usually costs one array copy.
 *
 * Adding or removing patterns marks the index stale; it is rebuilt (O(patterns)) on the next match.
 */
export class MatcherSet<T = string> {
  private readonly input: 'object' | 'attributes';
  private readonly patterns = new Map<T, CompiledPattern>();
  private indexes: PathIndex<T>[] = [];
  /** For each of `indexes`, its slot in the per-payload path cache. */
  private indexSlots = new Int32Array(0);
  /** Every bucket, flat (see {@link Program}); `unanchored` is the offset of the unanchored one. */
  private code: Int32Array = new Int32Array(0);
  private pool: T[] = [];
  private unanchored = -1;
  private stale = false;
  private epoch = 0;
  // Patterns (dense numbers → ids) and their branches ("entries"), see Layout.
  private ids: T[] = [];
  private entryPattern: Int32Array = new Int32Array(0);
  private restStart: Int32Array = new Int32Array(1);
  private restConds: Int32Array = new Int32Array(0);
  private patternSeen = new Uint32Array(0);
  private entrySeen = new Uint32Array(0);
  // Interned conditions: the condition, its path-cache slot (-1: it resolves by itself), its result.
  private conditions: Condition[] = [];
  private conditionSlots = new Int32Array(0);
  private conditionSeen = new Uint32Array(0);
  private conditionHolds = new Uint8Array(0);
  private conditionShapes = new Uint8Array(0);
  private conditionOperands: unknown[] = [];
  // Per-payload cache of resolved paths, keyed by the shared resolver's slot.
  private resolvers: ((root: unknown) => unknown)[] = [];
  private cacheSeen = new Uint32Array(0);
  private cacheValue: unknown[] = [];
  // Per-call state, kept on the instance so that matching allocates nothing but its result.
  private root: unknown;
  /**
   * Scratch output, reused and sized for every pattern (so that writes stay in bounds): the first
   * `count` items are this call's matches.
   */
  private out: T[] = [];
  private count = 0;
  /** Scratch list of the buckets one path's values reach (never shrunk). */
  private readonly buckets: number[] = [];

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
    const root = this.input === 'attributes' ? attributeValues(payload) : payload;
    this.root = root;
    this.count = 0;
    if (++this.epoch === 0xffffffff) this.resetEpochs();
    const buckets = this.buckets;
    const indexes = this.indexes;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i] as PathIndex<T>;
      const found = this.resolveSlot(this.indexSlots[i] as number);
      if (found === MISSING) continue;
      const present = index.present;
      if (typeof found === 'object' && found instanceof Many) {
        // Several values may reach one entry (or one pattern through several entries): deduplicate.
        const code = this.code;
        let hits = 0;
        for (const value of found.values) hits = index.lookup(value, buckets, hits);
        // `exists: true` wants a value other than JSON null
        if (present >= 0 && found.values.some((v) => v !== null)) buckets[hits++] = present;
        for (let b = 0; b < hits; b++) {
          const at = code[(buckets[b] as number) + 3] as number;
          const last = at + (code[at] as number);
          for (let j = at + 1; j <= last; j++) this.consider(code[j] as number);
        }
      } else {
        let hits = index.lookup(found, buckets, 0);
        if (present >= 0 && found !== null) buckets[hits++] = present;
        for (let b = 0; b < hits; b++) this.collect(buckets[b] as number);
      }
    }
    if (this.unanchored >= 0) this.collect(this.unanchored);
    const out = this.out.slice(0, this.count);
    this.root = undefined;
    return out;
  }

  /** The matches of a bucket (offset `o` in `code`) reached once: runs of single entries by their shared conditions, then the rest. */
  private collect(o: number): void {
    const code = this.code;
    const ids = this.pool;
    const out = this.out;
    let n = this.count;
    let k = code[o + 1] as number;
    if (code[o] === 1) {
      const end = code[o + 2] as number;
      for (; k < end; k++) out[n++] = ids[k] as T;
      this.count = n;
      return;
    }
    const groups = code[o + 4] as number;
    const epoch = this.epoch;
    const seen = this.conditionSeen;
    const results = this.conditionHolds;
    let pc = o + 5;
    for (let g = 0; g < groups; g++) {
      const end = code[pc] as number;
      const last = pc + 2 + (code[pc + 1] as number);
      let holds = true;
      for (pc += 2; pc < last; pc++) {
        const c = code[pc] as number;
        if (seen[c] === epoch ? results[c] === 0 : !this.evaluate(c)) {
          holds = false;
          break;
        }
      }
      pc = last;
      if (holds) for (; k < end; k++) out[n++] = ids[k] as T;
      else k = end;
    }
    this.count = n;
    const last = pc + (code[pc] as number);
    for (pc++; pc <= last; pc++) this.consider(code[pc] as number);
  }

  /** An entry that may be reached more than once per payload: checked once, its pattern reported once. */
  private consider(entry: number): void {
    const epoch = this.epoch;
    const pattern = this.entryPattern[entry] as number;
    if (this.entrySeen[entry] === epoch || this.patternSeen[pattern] === epoch) return;
    this.entrySeen[entry] = epoch;
    const last = this.restStart[entry + 1] as number;
    for (let c = this.restStart[entry] as number; c < last; c++) {
      if (!this.holds(this.restConds[c] as number)) return;
    }
    this.patternSeen[pattern] = epoch;
    this.out[this.count++] = this.ids[pattern] as T;
  }

  /** Whether interned condition `c` holds for the current payload, evaluated at most once per payload. */
  private holds(c: number): boolean {
    if (this.conditionSeen[c] === this.epoch) return this.conditionHolds[c] === 1;
    return this.evaluate(c);
  }

  /** Evaluates interned condition `c` for the current payload and records the result. */
  private evaluate(c: number): boolean {
    const epoch = this.epoch;
    const slot = this.conditionSlots[c] as number;
    let holds: boolean;
    if (slot < 0) holds = (this.conditions[c] as Condition).test(this.root);
    else {
      const found = this.cacheSeen[slot] === epoch ? this.cacheValue[slot] : this.resolveSlot(slot);
      // The common shapes inline (see ConditionShape); anything else asks the condition. The hot
      // paths test `typeof` before (or instead of) `instanceof Many`, which is not free on a primitive.
      const shape = this.conditionShapes[c];
      if (shape === EXISTS) holds = found !== MISSING && found !== null;
      else if (shape === DIFFERS && typeof found === 'string') holds = found !== this.conditionOperands[c];
      else {
        const condition = this.conditions[c] as Condition;
        holds = (condition.check as (found: unknown, root: unknown) => boolean)(found, this.root);
      }
    }
    this.conditionSeen[c] = epoch;
    this.conditionHolds[c] = holds ? 1 : 0;
    return holds;
  }

  /** Resolves the path of cache slot `slot` for the current payload, and caches it. */
  private resolveSlot(slot: number): unknown {
    const found = (this.resolvers[slot] as (root: unknown) => unknown)(this.root);
    this.cacheSeen[slot] = this.epoch;
    this.cacheValue[slot] = found;
    return found;
  }

  private rebuild(): void {
    const byPath = new Map<string, PathIndex<T>>();
    const program = new Program<T>();
    const unanchored = program.bucket();
    const ids: T[] = [];
    const entryPattern: number[] = [];
    const entrySingle: number[] = [];
    const restStart = [0];
    const restConds: number[] = [];
    const slots = new Map<(root: unknown) => unknown, number>();
    const slotOf = (resolve: (root: unknown) => unknown): number => {
      let n = slots.get(resolve);
      if (n === undefined) {
        n = slots.size;
        slots.set(resolve, n);
      }
      return n;
    };
    // Conditions with equal keys are interchangeable; others are interned by identity.
    const conditions: Condition[] = [];
    const conditionSlots: number[] = [];
    const byKey = new Map<string, number>();
    const byRef = new Map<Condition, number>();
    const intern = (condition: Condition): number => {
      let n = condition.key === undefined ? byRef.get(condition) : byKey.get(condition.key);
      if (n === undefined) {
        n = conditions.length;
        conditions.push(condition);
        conditionSlots.push(condition.resolve && condition.check ? slotOf(condition.resolve) : -1);
        if (condition.key === undefined) byRef.set(condition, n);
        else byKey.set(condition.key, n);
      }
      return n;
    };
    const anchors: [PathIndex<T> | undefined, Hint | undefined][] = [];
    for (const [id, pattern] of this.patterns) {
      const p = ids.length;
      ids.push(id);
      const dsl = pattern.mode === 'dsl';
      for (const branch of pattern.branches) {
        const anchor = anchorOf(branch);
        const condition = branch.conditions[anchor];
        const hint = condition?.hint;
        const anchorId = condition === undefined ? -1 : intern(condition);
        const rest = [...new Set(branch.conditions.map(intern))].filter((c) => c !== anchorId);
        for (const c of rest.sort((a, b) => a - b)) restConds.push(c);
        restStart.push(restConds.length);
        const items =
          (hint?.exact?.length ?? 0) +
          (hint?.prefixes?.length ?? 0) +
          (hint?.ranges?.length ?? 0) +
          (hint?.exists ? 1 : 0);
        entryPattern.push(p);
        entrySingle.push(pattern.branches.length === 1 && (hint === undefined || items === 1) ? 1 : 0);
        if (condition === undefined || hint === undefined) {
          anchors.push([undefined, undefined]);
          continue;
        }
        const key = `${dsl ? 'd' : 'j'}\u0000${condition.path.join('\u0000')}`;
        let index = byPath.get(key);
        if (index === undefined) {
          index = new PathIndex<T>(condition.path, dsl, program);
          byPath.set(key, index);
        }
        anchors.push([index, hint]);
      }
    }
    for (const [e, [index, hint]] of anchors.entries()) {
      if (index === undefined || hint === undefined) {
        program.add(unanchored, e);
        continue;
      }
      for (const k of hint.exact ?? []) index.addExact(k, e);
      for (const p of hint.prefixes ?? []) index.addPrefix(p, e);
      for (const r of hint.ranges ?? []) index.addRange(r, e);
      if (hint.exists) index.addPresent(e);
    }
    const layout: Layout<T> = {
      ids,
      entryPattern: Int32Array.from(entryPattern),
      entrySingle: Uint8Array.from(entrySingle),
      restStart: Int32Array.from(restStart),
      restConds: Int32Array.from(restConds),
    };
    for (const index of byPath.values()) index.cut();
    const offsets = program.seal(layout);
    for (const index of byPath.values()) index.seal(offsets);
    this.code = program.code;
    this.pool = program.ids;
    this.indexes = [...byPath.values()];
    this.indexSlots = Int32Array.from(this.indexes, (index) => slotOf(index.resolve));
    this.unanchored = offsets[unanchored] as number;
    this.ids = ids;
    this.entryPattern = layout.entryPattern;
    this.restStart = layout.restStart;
    this.restConds = layout.restConds;
    this.patternSeen = new Uint32Array(ids.length);
    this.entrySeen = new Uint32Array(entryPattern.length);
    this.conditions = conditions;
    this.conditionSlots = Int32Array.from(conditionSlots);
    this.conditionSeen = new Uint32Array(conditions.length);
    this.conditionHolds = new Uint8Array(conditions.length);
    const shapes = conditions.map(shapeOf);
    this.conditionShapes = Uint8Array.from(shapes, (shape) =>
      shape?.kind === 'exists' ? EXISTS : shape?.kind === 'differs' ? DIFFERS : GENERIC,
    );
    this.conditionOperands = shapes.map((shape) => (shape?.kind === 'differs' ? shape.value : undefined));
    this.resolvers = [...slots.keys()];
    this.cacheSeen = new Uint32Array(slots.size);
    this.cacheValue = new Array(slots.size).fill(undefined);
    this.out = ids.slice();
    this.epoch = 0;
    this.stale = false;
  }

  private resetEpochs(): void {
    this.patternSeen.fill(0);
    this.entrySeen.fill(0);
    this.conditionSeen.fill(0);
    this.cacheSeen.fill(0);
    this.epoch = 1;
  }
}
