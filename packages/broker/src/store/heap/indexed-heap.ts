/**
 * A binary min-heap whose items know their position (`heapIndex`), so an item can be removed or
 * re-keyed in O(log n) wherever it is. `less` orders the items; ties must be broken by the caller's
 * key so the order is total.
 */
export interface HeapItem {
  /** Position in the heap; -1 when not in it. Maintained by the heap. */
  heapIndex: number;
}

export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The least item, if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Removes and returns the least item. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item` (no-op when it is not in the heap). */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return;
    const last = this.items.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(last.heapIndex);
  }

  /** Restores the order after `item`'s key changed (pushes it when it is not in the heap). */
  update(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) {
      this.push(item);
      return;
    }
    this.up(i);
    this.down(item.heapIndex);
  }

  /**
   * Up to `limit` least items for which `accept` holds, in order, left in the heap. Stops at the first
   * item refused (the order makes every later one refused too).
   */
  first(limit: number, accept: (item: T) => boolean): T[] {
    const out: T[] = [];
    while (out.length < limit) {
      const top = this.items[0];
      if (top === undefined || !accept(top)) break;
      this.remove(top);
      out.push(top);
    }
    for (const item of out) this.push(item);
    return out;
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
  }

  private up(i: number): void {
    const { items, less } = this;
    const item = items[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p] as T;
      if (!less(item, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const { items, less } = this;
    const n = items.length;
    const item = items[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(items[r] as T, items[l] as T) ? r : l;
      const child = items[c] as T;
      if (!less(child, item)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
