/** Items added, beyond twice those still current, before the ones no longer current are swept out. */
const SWEEP_SLACK = 64;

/**
 * Items added to an index that is filled only when a lookup first needs it: each is
 * filed at most once, and one that is gone before the next lookup is never filed at all.
 * Adding is one store. So that memory stays bounded when lookups never come, the items no
 * longer current are swept out whenever they could outnumber the current ones. The array
 * keeps its room between sweeps: a backlog that fills and empties all the time allocates
 * nothing.
 */
export class Backlog<T> {
  /** The first `count` entries are the items; the rest are unused (undefined). */
  private readonly items: (T | undefined)[] = [];
  private count = 0;

  constructor(private readonly isCurrent: (item: T) => boolean) {}

  get length(): number {
    return this.count;
  }

  /** Adds `item`; `current` is how many added items are still current (an upper bound will do). */
  add(item: T, current: number): void {
    this.items[this.count++] = item;
    if (this.count > 2 * current + SWEEP_SLACK) this.sweep();
  }

  /** Calls `file` (which must not add here) on every item still current, in the order added, and starts over empty. */
  fileAll(file: (item: T) => void): void {
    const items = this.items;
    for (let i = 0; i < this.count; i++) {
      const item = items[i]!;
      items[i] = undefined;
      if (this.isCurrent(item)) file(item);
    }
    this.count = 0;
  }

  /** Keeps only the items still current, in order. */
  private sweep(): void {
    const items = this.items;
    const n = this.count;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      if (this.isCurrent(item)) items[kept++] = item;
    }
    // What was dropped must not stay reachable from here.
    for (let i = kept; i < n; i++) items[i] = undefined;
    this.count = kept;
  }
}
