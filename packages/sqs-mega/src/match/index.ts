import type { Hint, NumericRange } from './core.js';
import { internString } from './intern.js';
import { PrefixTable } from './prefixes.js';
import { pathResolver } from './resolve.js';
import { NumericSegments } from './segments.js';
import { asNumber, dslKey, jsonKey, snsNumber } from './values.js';

/**
 * The flat layout of a {@link MatcherSet} rebuild, which buckets read when they seal: patterns and
 * their branches ("entries") are numbered densely, conditions are interned (equal conditions of
 * different patterns share one number, so a payload evaluates each at most once).
 */
export interface Layout<T> {
  /** Pattern number → id. */
  readonly ids: readonly T[];
  /** Entry number → pattern number. */
  readonly entryPattern: Int32Array;
  /**
   * Entry number → 1 when one payload value can reach the entry at most once, so it needs no
   * deduplication: the only branch of its pattern, with exactly one lookup item in its anchor hint.
   */
  readonly entrySingle: Uint8Array;
  /** The conditions an entry still has to check are `restConds[restStart[e]] … restConds[restStart[e+1]-1]`. */
  readonly restStart: Int32Array;
  /** Interned condition numbers, sorted and distinct per entry, anchor excluded. */
  readonly restConds: Int32Array;
}

/**
 * Every bucket of a set — the entries under one index key, or the unanchored ones — laid out in two
 * shared arrays, so that reading a bucket touches one run of `code` and one run of `ids` instead of
 * several scattered objects. A bucket is known by its offset in `code`:
 *
 * - `[o]` 1 when the bucket is plain (ids to copy, nothing to check), `[o+1]`, `[o+2]` its run of `ids`;
 * - `[o+3]` where its list of every entry starts (`[count, entry…]`, for values that fan out, each
 *   entry then deduplicated);
 * - `[o+4]` its number of groups, then per group `[end in ids, conditions, condition…]`: the single
 *   entries' ids grouped by the conditions they still need, so that one check admits a whole run; or
 *   a block `[end in ids, -1, slot, m, table, (condition, end in ids) × m]` of groups that each need
 *   one condition of a kind {@link Program.seal}'s `blockOf` puts in one block (in a set, an
 *   `anything-but` of one string on one path), sorted by operand (`operandOf`): a string value fails
 *   exactly the groups of its own operand, one run of ids found by one read of `tables[table]`, and
 *   passes the rest; other values decide each group by its condition;
 * - then `[count, entry…]`: the entries that are not single (several branches or anchor items).
 */
export class Program<T> {
  code: Int32Array = new Int32Array(0);
  ids: T[] = [];
  /**
   * Per block, its operands' spans: operand → offset in `spans` of `[start, end]`, the run of the
   * block's ids whose groups that string fails (every group whose operand it is).
   */
  tables: Map<string, number>[] = [];
  spans: Int32Array = new Int32Array(0);
  private lists: number[][] = [];

  /** A new, empty bucket's handle (its offset once sealed: see {@link Program.seal}). */
  bucket(): number {
    this.lists.push([]);
    return this.lists.length - 1;
  }

  add(handle: number, entry: number): void {
    (this.lists[handle] as number[]).push(entry);
  }

  /**
   * Lays out every bucket; returns the offset of each handle. `blockOf(condition)` is a block key
   * (>= 0) for conditions whose one-condition groups may share a block (see the layout above), -1
   * for others.
   */
  seal(
    layout: Layout<T>,
    blockOf: (condition: number) => number = () => -1,
    operandOf: (condition: number) => string = () => '',
  ): Int32Array {
    const code: number[] = [];
    const spans: number[] = [];
    this.tables = [];
    const ids: T[] = [];
    const offsets = new Int32Array(this.lists.length);
    for (const [handle, entries] of this.lists.entries()) {
      offsets[handle] = code.length;
      const multi: number[] = [];
      const groups = new Map<string, { conds: number[]; ids: T[] }>();
      groups.set('', { conds: [], ids: [] });
      for (const e of entries) {
        if (layout.entrySingle[e] !== 1) {
          multi.push(e);
          continue;
        }
        const conds = Array.from(layout.restConds.subarray(layout.restStart[e], layout.restStart[e + 1]));
        const signature = conds.join(',');
        let group = groups.get(signature);
        if (group === undefined) {
          group = { conds, ids: [] };
          groups.set(signature, group);
        }
        group.ids.push(layout.ids[layout.entryPattern[e] as number] as T);
      }
      const used = [...groups.values()].filter((g) => g.ids.length > 0);
      const plain = multi.length === 0 && used.every((g) => g.conds.length === 0);
      // one-condition groups by block key; a key with two groups or more becomes a block
      const blocks = new Map<number, { conds: number[]; ids: T[] }[]>();
      for (const group of used) {
        const key = group.conds.length === 1 ? blockOf(group.conds[0] as number) : -1;
        if (key < 0) continue;
        const block = blocks.get(key);
        if (block === undefined) blocks.set(key, [group]);
        else block.push(group);
      }
      const blocked = new Set<{ conds: number[]; ids: T[] }>();
      for (const [key, block] of blocks) {
        if (block.length < 2) blocks.delete(key);
        else for (const group of block) blocked.add(group);
      }
      const header = code.length;
      code.push(plain ? 1 : 0, ids.length, 0, 0, used.length - blocked.size + blocks.size);
      for (const group of used) {
        if (blocked.has(group)) continue;
        for (const id of group.ids) ids.push(id);
        code.push(ids.length, group.conds.length, ...group.conds);
      }
      for (const [key, block] of blocks) {
        const at = code.length;
        // groups of equal operands side by side, so that the groups one string fails are one run of ids
        const operand = (group: { conds: number[] }) => operandOf(group.conds[0] as number);
        block.sort((a, b) => (operand(a) < operand(b) ? -1 : operand(a) > operand(b) ? 1 : 0));
        const table = new Map<string, number>();
        code.push(0, -1, key, block.length, this.tables.length);
        for (const group of block) {
          const start = ids.length;
          for (const id of group.ids) ids.push(id);
          code.push(group.conds[0] as number, ids.length);
          const span = table.get(operand(group));
          if (span === undefined) {
            table.set(operand(group), spans.length);
            spans.push(start, ids.length);
          } else spans[span + 1] = ids.length;
        }
        this.tables.push(table);
        code[at] = ids.length;
      }
      code[header + 2] = ids.length;
      code.push(multi.length, ...multi);
      code[header + 3] = code.length;
      code.push(entries.length, ...entries);
    }
    this.lists = [];
    this.spans = Int32Array.from(spans);
    this.code = Int32Array.from(code);
    this.ids = ids;
    return offsets;
  }
}

/**
 * The candidates index for one path: exact value keys, prefixes by length, numeric intervals cut into
 * elementary segments, and presence. A lookup costs O(distinct prefix lengths + log(ranges)), not
 * O(patterns).
 */
export class PathIndex<T> {
  /** Exact values by type, so that a lookup needs no key string: strings, numbers, others (`b…`, `z`). */
  // Buckets are handles of `program` until sealed, then offsets in its code.
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<number, number>();
  private readonly others = new Map<string, number>();
  /** The bucket of presence (`exists`) anchors, or -1. */
  present = -1;
  private readonly prefixes = new PrefixTable();
  /** Suffix anchors: a prefix table over reversed strings. */
  private readonly suffixes = new PrefixTable();
  /** Lower-cased exact strings (`equals-ignore-case`). */
  private readonly folded = new Map<string, number>();
  private hasSuffixes = false;
  private readonly segments = new NumericSegments();
  /** Set when sealed: whether any prefix is registered, and whether only plain string keys are (one map read per lookup). */
  private hasPrefixes = false;
  private stringsOnly = false;

  constructor(
    readonly path: readonly string[],
    /** `true` for DSL paths (exact resolution, DSL keys), `false` for JSON-pattern paths (leaf fan-out). */
    readonly dsl: boolean,
    private readonly program: Program<T>,
  ) {
    this.resolve = pathResolver(path, !dsl);
  }

  /** Registers an exact-value key (see `jsonKey` / `dslKey`: `s…` strings, `n…` numbers, `b…`, `z`). */
  addExact(key: string, entry: number): void {
    if (key.startsWith('s')) this.push(this.strings, internString(key.slice(1)), entry);
    else if (key.startsWith('n')) this.push(this.numbers, Number(key.slice(1)), entry);
    else this.push(this.others, key, entry);
  }

  addPresent(entry: number): void {
    if (this.present < 0) this.present = this.program.bucket();
    this.program.add(this.present, entry);
  }

  addPrefix(prefix: string, entry: number): void {
    this.push(this.prefixes.buckets, prefix, entry);
  }

  addRange(range: NumericRange, entry: number): void {
    this.segments.add(range, entry);
  }

  /** Files `entry` under every lookup item of `hint`. */
  addHint(hint: Hint, entry: number): void {
    for (const k of hint.exact ?? []) this.addExact(k, entry);
    for (const p of hint.prefixes ?? []) this.addPrefix(p, entry);
    for (const s of hint.suffixes ?? []) {
      this.hasSuffixes = true;
      this.push(this.suffixes.buckets, reverse(s), entry);
    }
    for (const f of hint.folded ?? []) this.push(this.folded, internString(f), entry);
    for (const r of hint.ranges ?? []) this.addRange(r, entry);
    if (hint.exists) this.addPresent(entry);
  }

  /** Cuts the numeric ranges into elementary segments (see {@link NumericSegments}). */
  cut(): void {
    this.segments.cut(
      () => this.program.bucket(),
      (handle, entry) => this.program.add(handle, entry),
    );
  }

  /** Replaces bucket handles by their offsets in the sealed program. */
  seal(offsets: Int32Array): void {
    const relocate = <K>(map: Map<K, number>) => {
      for (const [key, handle] of map) map.set(key, offsets[handle] as number);
    };
    relocate(this.strings);
    relocate(this.numbers);
    relocate(this.others);
    relocate(this.folded);
    this.prefixes.seal(offsets);
    this.suffixes.seal(offsets);
    this.segments.seal(offsets);
    if (this.present >= 0) this.present = offsets[this.present] as number;
    this.hasPrefixes = this.prefixes.buckets.size > 0;
    this.stringsOnly =
      !this.hasPrefixes &&
      !this.hasSuffixes &&
      this.numbers.size === 0 &&
      this.others.size === 0 &&
      this.folded.size === 0 &&
      this.segments.empty;
  }

  /** Values at this index's path in a prepared payload: one value, a {@link Many}, or `MISSING`. */
  readonly resolve: (root: unknown) => unknown;

  /**
   * Writes the buckets (offsets) whose anchor accepts `value` into `into` from `n` on, and returns the
   * new count (the array is scratch: never shrunk, so writes stay cheap): exact key,
   * each matching prefix length, the numeric segment.
   */
  lookup(value: unknown, into: number[], n: number): number {
    let hits: number | undefined;
    if (this.stringsOnly) {
      if (typeof value === 'string') {
        hits = this.strings.get(value);
        if (hits !== undefined) into[n++] = hits;
      }
      return n;
    }
    if (typeof value === 'string') {
      // DSL: a numeric string compares as its number, for equality and ranges alike
      const number =
        this.dsl && (this.numbers.size > 0 || !this.segments.empty) ? asNumber(value) : undefined;
      // (an empty map is not read: hashing a fresh payload string or a number is the cost of a read)
      if (number === undefined) {
        if (this.strings.size > 0) hits = this.strings.get(value);
      } else if (this.numbers.size > 0) hits = this.numbers.get(number);
      if (hits !== undefined) into[n++] = hits;
      if (number !== undefined && !this.segments.empty) {
        const range = this.segments.lookup(number);
        if (range >= 0) into[n++] = range;
      }
      if (this.folded.size > 0) {
        hits = this.folded.get(value.toLowerCase());
        if (hits !== undefined) into[n++] = hits;
      }
      if (this.hasSuffixes) n = this.suffixes.lookup(reverse(value), into, n);
      return this.hasPrefixes ? this.prefixes.lookup(value, into, n) : n;
    }
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return n;
      // JSON patterns compare numbers at SNS precision, exact keys and ranges alike
      const number = this.dsl ? value : snsNumber(value);
      if (this.numbers.size > 0) {
        hits = this.numbers.get(number);
        if (hits !== undefined) into[n++] = hits;
      }
      const range = this.segments.empty ? -1 : this.segments.lookup(number);
      if (range >= 0) into[n++] = range;
      return n;
    }
    if (this.others.size > 0) {
      const key = this.dsl ? dslKey(value) : jsonKey(value);
      if (key !== undefined) hits = this.others.get(key);
      if (hits !== undefined) into[n++] = hits;
    }
    return n;
  }

  private push<K>(map: Map<K, number>, key: K, entry: number): void {
    let handle = map.get(key);
    if (handle === undefined) {
      handle = this.program.bucket();
      map.set(key, handle);
    }
    this.program.add(handle, entry);
  }
}

/** `text` with its UTF-16 code units in reverse order (suffixes become prefixes). */
function reverse(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}
