import { IndexedHeap, type HeapItem } from './indexed-heap.js';

/**
 * Items filed by a numeric level (a priority), each level an IndexedHeap by the same order;
 * levels with no item are dropped, so the highest is always one that has items.
 */
export class LeveledHeaps<T extends HeapItem> {
  private readonly heaps = new Map<number, IndexedHeap<T>>();
  /** Levels that have items, highest first. */
  private readonly levels: number[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  push(level: number, x: T): void {
    let heap = this.heaps.get(level);
    if (heap === undefined) {
      heap = new IndexedHeap(this.less);
      this.heaps.set(level, heap);
      const ls = this.levels;
      let i = 0;
      while (i < ls.length && ls[i]! > level) i++;
      ls.splice(i, 0, level);
    }
    heap.push(x);
  }

  remove(level: number, x: T): void {
    const heap = this.heaps.get(level)!;
    heap.remove(x);
    if (heap.size > 0) return;
    this.heaps.delete(level);
    this.levels.splice(this.levels.indexOf(level), 1);
  }

  /** Puts `x` back in its place in its level after its key changed. */
  update(level: number, x: T): void {
    this.heaps.get(level)!.update(x);
  }

  /** Every level's items, after many keys changed: `rekey` each, then re-heapify. */
  rekeyAll(rekey: (x: T) => void): void {
    for (const heap of this.heaps.values()) {
      for (const x of heap.unordered()) rekey(x);
      heap.heapify();
    }
  }

  highest(): number | undefined {
    return this.levels[0];
  }

  /** Levels with items, highest first, from `from` down. */
  *levelsFrom(from: number): Generator<number> {
    for (const l of this.levels) if (l <= from) yield l;
  }

  /** The least item of `level`. */
  least(level: number): T | undefined {
    return this.heaps.get(level)?.peek();
  }

  /** Visits the items of `level`, least first, until `visit` returns false. */
  visit(level: number, visit: (x: T) => boolean): void {
    this.heaps.get(level)?.visitAscending(visit);
  }

  /** The items of `level`, in no particular order. */
  itemsAt(level: number): readonly T[] {
    return this.heaps.get(level)?.unordered() ?? [];
  }
}
