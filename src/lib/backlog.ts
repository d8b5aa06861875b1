/** Items in a batch: added since the last sweep of the recent ones, before that sweep. */
const RECENT = 64;

/**
 * Items added to an index that is filled only when a lookup first needs it: each is
 * filed at most once, and one that is gone before the next lookup is never filed at all.
 * Adding is one store.
 *
 * Items that are no longer current are swept out in two ways:
 * - every RECENT adds, the items of the batch just filled; those still current move to
 *   the kept items. Most items end soon after they are added (a request is granted, an
 *   allocation released), and this keeps an ended one from being held here for long. That
 *   matters beyond memory: V8 watches how many objects from one allocation site outlive a
 *   young-generation collection, and once most do, it allocates the site's objects in the
 *   old generation from then on, where each costs a full collection to free. Held here
 *   until a sweep of all (which, with 100,000 requests waiting, comes about 100,000 adds
 *   later), every allocation did outlive its collection, and a release with that many
 *   waiting cost up to 2x more.
 * - when the kept items could be more than twice those still current, all of them. So
 *   there are never more items than twice those current plus one batch, and sweeps cost
 *   O(1) per add, amortised.
 *
 * Each batch is a new array. A young object stored into an old one costs V8 a write
 * barrier that records the slot (about 9 ns each, measured in the saturated-pool
 * benchmark, where three items are added per cycle); a store into an array that is young
 * itself costs almost nothing. Only items that outlive their batch are stored into the
 * long-lived kept array.
 */
export class Backlog<T> {
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
