/** A plain binary min-heap ordered by `less`: push, peek and pop in O(log n). Ties leave in no particular order. */
export class BinaryHeap<T> {
  private readonly items: T[];

  /** @param items taken as they are (not copied) and put in heap order in O(n). */
  constructor(
    private readonly less: (a: T, b: T) => boolean,
    items: T[] = [],
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i, items[i]!);
  }

  get size(): number {
    return this.items.length;
  }

  /** The least item. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const items = this.items;
    let i = items.length;
    items.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.less(x, parent)) break;
      items[i] = parent;
      i = p;
    }
    items[i] = x;
  }

  /** Takes the least item out. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    this.down(0, last);
    return top;
  }

  /** Puts `x` at `i` or below, moving lesser children up. */
  private down(i: number, x: T): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(items[c + 1]!, items[c]!)) c++;
      const child = items[c]!;
      if (!this.less(child, x)) break;
      items[i] = child;
      i = c;
    }
    items[i] = x;
  }
}
