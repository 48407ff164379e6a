import type { NumericRange } from './core.js';

/**
 * The numeric-range anchors of one path, cut into elementary segments: with the distinct finite
 * endpoints sorted, slot 2k+1 is endpoint k itself and slot 2k the open gap before it (slot 2m the
 * gap after the last), and each slot holds the bucket of every range covering it. A lookup finds the
 * value's slot by a binary search over the endpoints. (A directory of equal cells narrowing that
 * search made no measurable difference at 4,000 endpoints, so there is none.)
 */
export class NumericSegments {
  private readonly ranges: [NumericRange, number][] = [];
  private endpoints: number[] = [];
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

  /** Replaces the bucket handles by their offsets (`offsets[handle]`). */
  seal(offsets: Int32Array): void {
    for (let s = 0; s < this.slots.length; s++) {
      const handle = this.slots[s] as number;
      if (handle >= 0) this.slots[s] = offsets[handle] as number;
    }
  }

  /** The bucket (offset) of the ranges covering `value`, or -1. */
  lookup(value: number): number {
    const e = this.endpoints;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((e[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return this.slots[e[lo] === value ? 2 * lo + 1 : 2 * lo] as number;
  }
}
