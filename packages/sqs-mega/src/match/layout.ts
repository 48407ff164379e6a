import type { CompiledPattern, Condition, Hint } from './core.js';
import { type Layout, PathIndex, Program } from './index.js';
import { internString } from './intern.js';
import { shapeOf } from './json-compile.js';
import { type SlotsResolver, slotsResolver } from './resolve-slots.js';

/** Condition shapes a {@link LayoutMatcher} checks inline (see `ConditionShape`). */
export const GENERIC = 0;
export const EXISTS = 1;
export const DIFFERS = 2;
export const NONE_OF = 3;
export const EQUALS = 4;
export const ONE_OF = 5;

/**
 * How a {@link LayoutMatcher} checks condition `c` inline, and its operand: the condition's own shape
 * (see `ConditionShape`), or, for a condition whose hint is a few exact strings (`s…` keys) and
 * nothing else, `EQUALS` / `ONE_OF` those strings: by the hint's contract, a string found at its path
 * satisfies it exactly when it is one of them (other values ask the condition).
 */
function inlineOf(condition: Condition): [number, unknown] {
  const shape = shapeOf(condition);
  if (shape?.kind === 'exists') return [EXISTS, undefined];
  if (shape?.kind === 'differs') return [DIFFERS, internString(shape.value)];
  if (shape?.kind === 'none-of') return [NONE_OF, shape.values.map(internString)];
  const hint = condition.hint;
  const exact = hint?.exact;
  if (
    condition.resolve === undefined ||
    condition.check === undefined ||
    exact === undefined ||
    exact.length > 8 ||
    hint?.prefixes !== undefined ||
    hint?.suffixes !== undefined ||
    hint?.folded !== undefined ||
    hint?.ranges !== undefined ||
    hint?.exists === true ||
    !exact.every((key) => key.startsWith('s'))
  )
    return [GENERIC, undefined];
  const strings = exact.map((key) => internString(key.slice(1)));
  return strings.length === 1 ? [EQUALS, strings[0]] : [ONE_OF, strings];
}

/**
 * One compiled, immutable layout of a group of patterns (see {@link compileLayout}): the path indexes,
 * the flat bucket program, the interned conditions and the path resolvers a payload reads.
 */
export interface CompiledLayout<T> extends Layout<T> {
  /** The path indexes, and for each its slot in the per-payload path cache. */
  readonly indexes: readonly PathIndex<T>[];
  readonly indexSlots: Int32Array;
  /** Every bucket, flat (see {@link Program}); `unanchored` is the offset of the unanchored one. */
  readonly code: Int32Array;
  readonly pool: readonly T[];
  /** Per block, operand → its span in `blockSpans` (see {@link Program}). */
  readonly blockTables: readonly Map<string, number>[];
  readonly blockSpans: Int32Array;
  readonly unanchored: number;
  /** Interned conditions, their path-cache slot (-1: resolves by itself), inline shape and operand. */
  readonly conditions: readonly Condition[];
  readonly conditionSlots: Int32Array;
  readonly conditionShapes: Uint8Array;
  readonly conditionOperands: readonly unknown[];
  /** Path resolvers by cache slot. */
  readonly resolvers: readonly ((root: unknown) => unknown)[];
  /** Resolves the slot of every index at once (a payload reads them all). */
  readonly resolveIndexes: SlotsResolver;
}

/** Per path, how many branches name each index item, and the numeric ranges: the selectivity statistics. */
interface PathStats {
  readonly items: Map<string, number>;
  readonly lows: number[];
  readonly highs: number[];
  branches: number;
}

/** The index items of a hint, as statistics keys (kind letter + value). */
function itemsOf(hint: Hint): string[] {
  const items: string[] = [];
  for (const k of hint.exact ?? []) items.push(`e${k}`);
  for (const p of hint.prefixes ?? []) items.push(`p${p}`);
  for (const s of hint.suffixes ?? []) items.push(`x${s}`);
  for (const f of hint.folded ?? []) items.push(`f${f}`);
  return items;
}

function pathKey(condition: Condition, dsl: boolean): string {
  return `${dsl ? 'd' : 'j'}\u0000${condition.path.join('\u0000')}`;
}

/** Count of sorted `values` strictly below `x` (or at most `x` with `orEqual`). */
function countBelow(values: readonly number[], x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid] as number;
    if (v < x || (orEqual && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Expected number of entries one payload value reaches through `hint` if it anchored a branch: the
 * branches sharing each exact value, prefix, suffix or folded value, the ranges overlapping each range,
 * every branch on the path for a presence test; plus a small bias per kind, so that ties go to the
 * cheapest lookup (exact, then prefix/suffix, ranges, presence).
 */
function costOf(hint: Hint, stats: PathStats): number {
  let cost = 0;
  for (const item of itemsOf(hint)) cost += stats.items.get(item) ?? 0;
  if (hint.prefixes || hint.suffixes) cost += 0.1;
  for (const [low, , high] of hint.ranges ?? []) {
    const n = stats.lows.length;
    // ranges overlapping [low, high]: all but those ending below low and those starting above high
    cost += n - countBelow(stats.highs, low, false) - (n - countBelow(stats.lows, high, true)) + 0.2;
  }
  if (hint.exists) cost += stats.branches + 0.3;
  return cost;
}

/**
 * Compiles `patterns` into one immutable layout: a pure function of its input (the set keeps one
 * layout per tier and never edits one; see {@link MatcherSet}).
 *
 * Each branch is filed under one anchor: of its indexable conditions, the one whose index items are
 * shared by the fewest branches of the whole group (so the choice does not depend on the order in
 * which the pattern wrote its keys: an event name shared by 2,000 patterns loses to a tenant id shared
 * by one). Its other conditions are checked once the anchor selects the branch, each at most once per
 * payload for all patterns (equal conditions are interned).
 */
export function compileLayout<T>(patterns: Iterable<readonly [T, CompiledPattern]>): CompiledLayout<T> {
  const list = [...patterns];
  const byPath = new Map<string, PathIndex<T>>();
  const program = new Program<T>();
  const unanchoredHandle = program.bucket();
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

  // Pass 1: selectivity statistics over every indexable condition of every branch.
  const stats = new Map<string, PathStats>();
  const statsOf = (key: string): PathStats => {
    let s = stats.get(key);
    if (s === undefined) {
      s = { items: new Map(), lows: [], highs: [], branches: 0 };
      stats.set(key, s);
    }
    return s;
  };
  for (const [, pattern] of list) {
    const dsl = pattern.mode === 'dsl';
    for (const branch of pattern.branches) {
      const paths = new Set<PathStats>();
      for (const condition of new Set(branch.conditions)) {
        const hint = condition.hint;
        if (hint === undefined) continue;
        const s = statsOf(pathKey(condition, dsl));
        paths.add(s);
        for (const item of new Set(itemsOf(hint))) s.items.set(item, (s.items.get(item) ?? 0) + 1);
        for (const [low, , high] of hint.ranges ?? []) {
          s.lows.push(low);
          s.highs.push(high);
        }
      }
      for (const s of paths) s.branches++;
    }
  }
  for (const s of stats.values()) {
    s.lows.sort((a, b) => a - b);
    s.highs.sort((a, b) => a - b);
  }

  // Pass 2: number patterns and branches, choose anchors, file entries.
  const anchors: [PathIndex<T> | undefined, Hint | undefined][] = [];
  for (const [id, pattern] of list) {
    const p = ids.length;
    ids.push(id);
    const dsl = pattern.mode === 'dsl';
    for (const branch of pattern.branches) {
      let condition: Condition | undefined;
      let best = Number.POSITIVE_INFINITY;
      for (const c of branch.conditions) {
        if (c.hint === undefined) continue;
        const cost = costOf(c.hint, stats.get(pathKey(c, dsl)) as PathStats);
        if (cost < best) [condition, best] = [c, cost];
      }
      const hint = condition?.hint;
      const anchorId = condition === undefined ? -1 : intern(condition);
      const rest = [...new Set(branch.conditions.map(intern))].filter((c) => c !== anchorId);
      for (const c of rest.sort((a, b) => a - b)) restConds.push(c);
      restStart.push(restConds.length);
      const items = (hint ? itemsOf(hint).length : 0) + (hint?.ranges?.length ?? 0) + (hint?.exists ? 1 : 0);
      entryPattern.push(p);
      entrySingle.push(pattern.branches.length === 1 && (hint === undefined || items === 1) ? 1 : 0);
      if (condition === undefined || hint === undefined) {
        anchors.push([undefined, undefined]);
        continue;
      }
      const key = pathKey(condition, dsl);
      let index = byPath.get(key);
      if (index === undefined) {
        index = new PathIndex<T>(condition.path, dsl, program);
        byPath.set(key, index);
      }
      anchors.push([index, hint]);
    }
  }
  for (const [e, [index, hint]] of anchors.entries()) {
    if (index === undefined || hint === undefined) program.add(unanchoredHandle, e);
    else index.addHint(hint, e);
  }
  const layout: Layout<T> = {
    ids,
    entryPattern: Int32Array.from(entryPattern),
    entrySingle: Uint8Array.from(entrySingle),
    restStart: Int32Array.from(restStart),
    restConds: Int32Array.from(restConds),
  };
  for (const index of byPath.values()) index.cut();
  const inline = conditions.map(inlineOf);
  // one-string `anything-but` conditions block by their path's cache slot (see `Program`)
  const blockOf = (c: number): number =>
    inline[c]?.[0] === DIFFERS && typeof inline[c]?.[1] === 'string' ? (conditionSlots[c] as number) : -1;
  const offsets = program.seal(layout, blockOf, (c) => inline[c]?.[1] as string);
  for (const index of byPath.values()) index.seal(offsets);
  const indexes = [...byPath.values()];
  const indexSlots = Int32Array.from(indexes, (index) => slotOf(index.resolve));
  const resolvers = [...slots.keys()];
  return {
    ...layout,
    indexes,
    indexSlots,
    code: program.code,
    pool: program.ids,
    blockTables: program.tables,
    blockSpans: program.spans,
    unanchored: offsets[unanchoredHandle] as number,
    conditions,
    conditionSlots: Int32Array.from(conditionSlots),
    conditionShapes: Uint8Array.from(inline, ([shape]) => shape),
    conditionOperands: inline.map(([, operand]) => operand),
    resolvers,
    resolveIndexes: slotsResolver(
      indexes.map((index) => index.resolve),
      indexSlots,
    ),
  };
}
