/** Items in a batch: added since the last sweep of the recent ones, before that sweep. */
const RECENT = 64;

/**
 * Items for an index filled only when a lookup first needs it: adding is one store, and an item
 * gone before the next lookup is never filed. See docs/design/memory-and-gc.md#filed-when-first-looked-up.
 * Kept for speed: filing eagerly costs figure 5 67% more instructions per op, and figure 4a 8% more heap.
 */
export class PendingList<T> {
  /** The batch being filled: its first `recentCount` entries are the latest items. */
  private recent: (T | undefined)[] = new Array<T | undefined>(RECENT);
  private recentCount = 0;
  /** Items that were still current when their batch was swept, in the order added. */
  private readonly kept: T[] = [];

  constructor(private readonly isCurrent: (item: T) => boolean) {}

  get length(): number {
    return this.kept.length + this.recentCount;
  }

  /** Adds `item`; `current` is how many added items are still current (an upper bound will do). */
  add(item: T, current: number): void {
    this.recent[this.recentCount++] = item;
    if (this.recentCount === RECENT) this.sweepRecent(current);
  }

  /** Calls `file` (which must not add here) on every item still current, in the order added, and starts over empty. */
  fileAll(file: (item: T) => void): void {
    const kept = this.kept;
    for (let i = 0; i < kept.length; i++) if (this.isCurrent(kept[i]!)) file(kept[i]!);
    kept.length = 0;
    const recent = this.recent;
    for (let i = 0; i < this.recentCount; i++) {
      const item = recent[i]!;
      recent[i] = undefined;
      if (this.isCurrent(item)) file(item);
    }
    this.recentCount = 0;
  }

  /** Moves the full batch's current items to the kept ones, and starts a new batch. */
  private sweepRecent(current: number): void {
    const recent = this.recent;
    // At most `current` items are current, and most often they are the latest: look from
    // the end, and stop once that many are found.
    let from = RECENT;
    for (let found = 0; from > 0 && found < current; ) if (this.isCurrent(recent[--from]!)) found++;
    const kept = this.kept;
    for (let i = from; i < RECENT; i++) {
      const item = recent[i]!;
      if (this.isCurrent(item)) kept.push(item);
    }
    this.recent = new Array<T | undefined>(RECENT);
    this.recentCount = 0;
    if (kept.length > 2 * current) this.sweepKept();
  }

  /** Keeps, in order, only the kept items still current. */
  private sweepKept(): void {
    const kept = this.kept;
    let n = 0;
    for (let i = 0; i < kept.length; i++) {
      const item = kept[i]!;
      if (this.isCurrent(item)) kept[n++] = item;
    }
    kept.length = n;
  }
}
