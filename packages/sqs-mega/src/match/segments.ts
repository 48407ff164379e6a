import type { NumericRange } from './core.js';

/**
 * The numeric-range anchors of one path, cut into elementary segments: with the distinct finite
 * endpoints sorted, slot 2k+1 is endpoint k itself and slot 2k the open gap before it (slot 2m the
 * gap after the last), and each slot holds the bucket of every range covering it. A lookup finds the
 * value's slot by a binary search over the endpoints, narrowed by a directory of equal cells over
 * the endpoints' span (a power of two at least four times the endpoint count: each cell holds the
 * first endpoint at or past it, so a value's search covers the endpoints in its cell, usually none or
 * one; a cell without endpoints answers its slot's bucket directly). At ~4,000 endpoints the
 * twelve-step search was ~10 % of the 99-match workload's profile.
 */
/** A {@link NumericSegments} directory cell holding an endpoint: the lookup searches. */
const SEARCH = -2;

export class NumericSegments {
  private readonly ranges: [NumericRange, number][] = [];
  private endpoints: number[] = [];
  /** The directory: `cells[j]` is the first endpoint whose cell is `j` or more (`cells.length - 1` cells). */
  private cells: Int32Array = new Int32Array(0);
  /** The first and last endpoint and the cells per unit between them; no directory when `scale` is 0. */
  private first = 0;
  private last = 0;
  private scale = 0;
  /**
   * Per directory cell that no endpoint falls in, the bucket (offset) of the one slot it lies in (or
   * -1); `SEARCH` for the others. A value in such a cell is answered by one read, not three dependent
   * ones (the cell, the endpoints, the slot): at 10,000 patterns each was a likely cache miss.
   */
  private whole: Int32Array = new Int32Array(0);
  /** Bucket by slot, -1 for none: handles until sealed, then offsets. */
  private slots: Int32Array = new Int32Array(0);

  /** Whether no range was added. */
  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** Registers `range` for `entry` (laid out by {@link NumericSegments.cut}). */
  add(range: NumericRange, entry: number): void {
    this.ranges.push([range, entry]);
  }

  /**
   * Cuts the ranges into segments; `bucket()` makes a bucket handle, `add(handle, entry)` files an
   * entry under it.
   */
  cut(bucket: () => number, add: (handle: number, entry: number) => void): void {
    const points = new Set<number>();
    for (const [[low, , high]] of this.ranges) {
      if (Number.isFinite(low)) points.add(low);
      if (Number.isFinite(high)) points.add(high);
    }
    const e = [...points].sort((a, b) => a - b);
    this.endpoints = e;
    this.direct(e);
    const indexOf = new Map(e.map((p, i) => [p, i]));
    const m = e.length;
    this.slots = new Int32Array(2 * m + 1).fill(-1);
    for (const [[low, lowInc, high, highInc], entry] of this.ranges) {
      const first =
        low === Number.NEGATIVE_INFINITY ? 0 : 2 * (indexOf.get(low) as number) + (lowInc ? 1 : 2);
      const last =
        high === Number.POSITIVE_INFINITY ? 2 * m : 2 * (indexOf.get(high) as number) + (highInc ? 1 : 0);
      for (let s = first; s <= last; s++) {
        if (this.slots[s] === -1) this.slots[s] = bucket();
        add(this.slots[s] as number, entry);
      }
    }
  }

  /** Builds the directory over sorted endpoints `e` (none below 16 endpoints, or over a span too wide or narrow to scale). */
  private direct(e: readonly number[]): void {
    this.scale = 0;
    const m = e.length;
    if (m < 16) return;
    const first = e[0] as number;
    const last = e[m - 1] as number;
    let size = 16;
    while (size < 4 * m && size < 1 << 20) size *= 2;
    const scale = size / (last - first);
    if (!Number.isFinite(scale) || scale <= 0) return;
    [this.first, this.last, this.scale] = [first, last, scale];
    // cellOf is monotone in the value, so the endpoints of a cell are a run, found in order
    const cells = new Int32Array(size + 1);
    let i = 0;
    for (let j = 0; j <= size; j++) {
      while (i < m && this.cellOf(e[i] as number, size) < j) i++;
      cells[j] = i;
    }
    this.cells = cells;
  }

  /** The directory cell of `value` (between the first and last endpoint), of `size` cells. */
  private cellOf(value: number, size: number): number {
    const cell = Math.floor((value - this.first) * this.scale);
    return cell < size ? cell : size - 1;
  }

  /** Replaces the bucket handles by their offsets (`offsets[handle]`), and fills `whole`. */
  seal(offsets: Int32Array): void {
    for (let s = 0; s < this.slots.length; s++) {
      const handle = this.slots[s] as number;
      if (handle >= 0) this.slots[s] = offsets[handle] as number;
    }
    const cells = this.cells;
    const size = cells.length - 1;
    this.whole = new Int32Array(Math.max(size, 0)).fill(SEARCH);
    // a cell no endpoint falls in lies in the gap before its first endpoint at or past it
    for (let j = 0; j < size; j++)
      if (cells[j] === cells[j + 1]) this.whole[j] = this.slots[2 * (cells[j] as number)] as number;
  }

  /** The bucket (offset) of the ranges covering `value`, or -1. */
  lookup(value: number): number {
    const e = this.endpoints;
    let lo = 0;
    let hi = e.length;
    if (this.scale > 0) {
      // the endpoints of cells before the value's are below it, those of cells after it above it
      if (value > this.last) lo = hi;
      else if (value >= this.first) {
        const cells = this.cells;
        const cell = this.cellOf(value, cells.length - 1);
        const whole = this.whole[cell] as number;
        if (whole !== SEARCH) return whole;
        lo = cells[cell] as number;
        hi = cells[cell + 1] as number;
      } else hi = 0;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((e[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return this.slots[e[lo] === value ? 2 * lo + 1 : 2 * lo] as number;
  }
}
