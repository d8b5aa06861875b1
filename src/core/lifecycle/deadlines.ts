/** Fewest entries at which a heap considers dropping stale ones. */
const MIN_COMPACT = 1024;

/**
 * One min-heap for every deadline, so many timeouts cost one timer; stale entries are dropped when it
 * has doubled, not removed early. See docs/design/memory-and-gc.md#bounded-memory-without-early-removal.
 */
export class DeadlineHeap<T> {
  private at: number[] = [];
  private order: number[] = [];
  private items: T[] = [];
  private pushed = 0;
  private compactAt = MIN_COMPACT;

  /** @param isCurrent false for an entry that no longer means anything (it may be dropped). */
  constructor(private readonly isCurrent: (item: T) => boolean = () => true) {}

  get size(): number {
    return this.items.length;
  }

  /** Earliest deadline, or Infinity when empty. */
  next(): number {
    return this.items.length === 0 ? Infinity : this.at[0]!;
  }

  push(at: number, item: T): void {
    if (this.items.length >= this.compactAt) this.compact();
    this.at.push(at);
    this.order.push(this.pushed++);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** Removes and returns the earliest item if it is due at `now`. Ties go in push order. */
  popDue(now: number): T | undefined {
    if (this.items.length === 0 || this.at[0]! > now) return undefined;
    const top = this.items[0]!;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.order.pop();
    this.items.pop();
    if (last > 0) this.down(0);
    return top;
  }

  /** Visits every current entry, in no particular order, with its deadline and push order (ties fire in push order). */
  forEachCurrent(visit: (at: number, order: number, item: T) => void): void {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (this.isCurrent(item)) visit(this.at[i]!, this.order[i]!, item);
    }
  }

  /** Drops stale entries and re-heapifies in O(n); push order still breaks ties. */
  private compact(): void {
    const at: number[] = [];
    const order: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.items.length; i++) {
      if (!this.isCurrent(this.items[i]!)) continue;
      at.push(this.at[i]!);
      order.push(this.order[i]!);
      items.push(this.items[i]!);
    }
    this.at = at;
    this.order = order;
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
    this.compactAt = Math.max(MIN_COMPACT, 2 * items.length);
  }

  private less(i: number, j: number): boolean {
    const a = this.at[i]!;
    const b = this.at[j]!;
    return a !== b ? a < b : this.order[i]! < this.order[j]!;
  }

  private swap(i: number, j: number): void {
    [this.at[i], this.at[j]] = [this.at[j]!, this.at[i]!];
    [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
