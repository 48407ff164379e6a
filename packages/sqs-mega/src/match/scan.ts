import type { Condition } from './core.js';
import type { PathIndex } from './index.js';
import { type CompiledLayout, DIFFERS, EQUALS, EXISTS, GENERIC, ONE_OF } from './layout.js';
import { Many, MISSING } from './resolve.js';
import type { SlotsResolver } from './resolve-slots.js';

/**
 * Matches payloads against one {@link CompiledLayout}. The layout is never changed; what changes per
 * payload lives here, in typed arrays stamped with an epoch (so nothing is reset between payloads):
 * which patterns, entries and conditions were seen, condition results, resolved paths.
 */
export class LayoutMatcher<T> {
  private readonly patternSeen: Uint32Array;
  private readonly entrySeen: Uint32Array;
  private readonly conditionSeen: Uint32Array;
  private readonly conditionHolds: Uint8Array;
  private readonly cacheSeen: Uint32Array;
  private readonly cacheValue: unknown[];
  /** Per-payload epoch; the arrays above hold the epoch they were last written in. */
  epoch = 0;
  // Per-call state, kept on the instance so that matching allocates nothing but its result.
  private root: unknown;
  private out: T[] = [];
  private count = 0;
  /** Scratch list of the buckets one path's values reach (never shrunk). */
  private readonly buckets: number[] = [];
  // The layout's arrays, held directly (one load less per read on the hot paths).
  private readonly code: Int32Array;
  private readonly pool: readonly T[];
  private readonly blockTables: readonly Map<string, number>[];
  private readonly blockSpans: Int32Array;
  private readonly ids: readonly T[];
  private readonly entryPattern: Int32Array;
  private readonly restStart: Int32Array;
  private readonly restConds: Int32Array;
  private readonly conditions: readonly Condition[];
  private readonly conditionSlots: Int32Array;
  private readonly conditionShapes: Uint8Array;
  private readonly conditionOperands: readonly unknown[];
  private readonly resolvers: readonly ((root: unknown) => unknown)[];
  private readonly indexes: readonly PathIndex<T>[];
  private readonly indexSlots: Int32Array;
  private readonly resolveIndexes: SlotsResolver;
  private readonly unanchored: number;

  constructor(readonly layout: CompiledLayout<T>) {
    this.code = layout.code;
    this.pool = layout.pool;
    this.blockTables = layout.blockTables;
    this.blockSpans = layout.blockSpans;
    this.ids = layout.ids;
    this.entryPattern = layout.entryPattern;
    this.restStart = layout.restStart;
    this.restConds = layout.restConds;
    this.conditions = layout.conditions;
    this.conditionSlots = layout.conditionSlots;
    this.conditionShapes = layout.conditionShapes;
    this.conditionOperands = layout.conditionOperands;
    this.resolvers = layout.resolvers;
    this.indexes = layout.indexes;
    this.indexSlots = layout.indexSlots;
    this.resolveIndexes = layout.resolveIndexes;
    this.unanchored = layout.unanchored;
    this.patternSeen = new Uint32Array(layout.ids.length);
    this.entrySeen = new Uint32Array(layout.entryPattern.length);
    this.conditionSeen = new Uint32Array(layout.conditions.length);
    this.conditionHolds = new Uint8Array(layout.conditions.length);
    this.cacheSeen = new Uint32Array(layout.resolvers.length);
    this.cacheValue = new Array(layout.resolvers.length).fill(undefined);
  }

  /** Number of patterns in the layout. */
  get size(): number {
    return this.layout.ids.length;
  }

  /**
   * Writes the ids of the layout's patterns that match the prepared payload `root` into `out` from
   * `count` on (`out` must have room for every pattern of the layout past `count`); returns the new count.
   */
  run(root: unknown, out: T[], count: number): number {
    if (++this.epoch === 0xffffffff) this.resetEpochs();
    this.root = root;
    this.out = out;
    this.count = count;
    const buckets = this.buckets;
    const indexes = this.indexes;
    const indexSlots = this.indexSlots;
    const values = this.cacheValue;
    this.resolveIndexes(root, values, this.cacheSeen, this.epoch);
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i] as PathIndex<T>;
      const found = values[indexSlots[i] as number];
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
    this.root = undefined;
    return this.count;
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
      const count = code[pc + 1] as number;
      if (count < 0) {
        pc = this.block(pc, k, n);
        n += this.admitted;
        k = end;
        continue;
      }
      const last = pc + 2 + count;
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

  /** Ids written by the last {@link LayoutMatcher.block}. */
  private admitted = 0;

  /**
   * A block of one-condition groups on one path (see `Program`) at `pc`, whose ids start at `k`:
   * writes the admitted ids into `out` from `n` on, sets `admitted` to their number, and returns the
   * offset past the block. A string value fails the groups of its own operand (one run of ids, read
   * from the block's table) and passes every other (what `evaluate` does for `DIFFERS`); any other
   * value asks `evaluate` per group.
   */
  private block(pc: number, k: number, n: number): number {
    const code = this.code;
    const ids = this.pool;
    const out = this.out;
    const slot = code[pc + 2] as number;
    const stop = pc + 5 + 2 * (code[pc + 3] as number);
    const found = this.cacheSeen[slot] === this.epoch ? this.cacheValue[slot] : this.resolveSlot(slot);
    const from = n;
    let at = k;
    if (typeof found === 'string') {
      const end = code[pc] as number;
      const span = (this.blockTables[code[pc + 4] as number] as Map<string, number>).get(found);
      if (span !== undefined) {
        const spans = this.blockSpans;
        const skip = spans[span] as number;
        for (; at < skip; at++) out[n++] = ids[at] as T;
        at = spans[span + 1] as number;
      }
      for (; at < end; at++) out[n++] = ids[at] as T;
    } else {
      for (let p = pc + 5; p < stop; p += 2) {
        const end = code[p + 1] as number;
        if (this.holds(code[p] as number)) for (; at < end; at++) out[n++] = ids[at] as T;
        else at = end;
      }
    }
    this.admitted = n - from;
    return stop;
  }

  /** An entry that may be reached more than once per payload: checked once, its pattern reported once. */
  private consider(entry: number): void {
    const epoch = this.epoch;
    const pattern = this.entryPattern[entry] as number;
    if (this.entrySeen[entry] === epoch || this.patternSeen[pattern] === epoch) return;
    this.entrySeen[entry] = epoch;
    const restConds = this.restConds;
    const last = this.restStart[entry + 1] as number;
    for (let c = this.restStart[entry] as number; c < last; c++) {
      if (!this.holds(restConds[c] as number)) return;
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
      else if (shape !== GENERIC && typeof found === 'string') {
        const operand = this.conditionOperands[c];
        if (shape === EQUALS) holds = found === operand;
        else if (shape === DIFFERS) holds = found !== operand;
        else if (shape === ONE_OF) holds = (operand as readonly string[]).includes(found);
        else holds = !(operand as readonly string[]).includes(found); // NONE_OF
      } else {
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

  private resetEpochs(): void {
    this.patternSeen.fill(0);
    this.entrySeen.fill(0);
    this.conditionSeen.fill(0);
    this.cacheSeen.fill(0);
    this.epoch = 1;
  }
}
