/** Items added since the last sweep of the recent ones, before that sweep. */
const RECENT = 64;
/** Items beyond twice those still current before a sweep of all. */
const SWEEP_SLACK = 64;

/**
 * Items added to an index that is filled only when a lookup first needs it: each is
 * filed at most once, and one that is gone before the next lookup is never filed at all.
 * Adding is one store.
 *
 * Items that are no longer current are swept out in two ways:
 * - every RECENT adds, the items added since the last such sweep. Most items end soon
 *   after they are added (a request is granted, an allocation released), and this keeps
 *   an ended one from being held here for long. That matters beyond memory: V8 watches
 *   how many objects from one allocation site outlive a young-generation collection, and
 *   once most do, it allocates the site's objects in the old generation from then on,
 *   where each costs a full collection to free. Held here until a sweep of all (which,
 *   with 100,000 requests waiting, comes about 100,000 adds later), every allocation did
 *   outlive its collection, and a release with that many waiting cost up to 2x more.
 * - when the items could be more than twice those still current, all of them, so memory
 *   stays bounded by what is current. O(1) per add, amortised.
 * The array keeps its room between sweeps: a backlog that fills and empties all the time
 * allocates nothing.
 */
export class Backlog<T> {
  /** The first `count` entries are the items; the rest are unused (undefined). */
  private readonly items: (T | undefined)[] = [];
  private count = 0;
  /** Items before this index were current at the last sweep. */
  private swept = 0;

  constructor(private readonly isCurrent: (item: T) => boolean) {}

  get length(): number {
    return this.count;
  }

  /** Adds `item`; `current` is how many added items are still current (an upper bound will do). */
  add(item: T, current: number): void {
    this.items[this.count++] = item;
    if (this.count - this.swept < RECENT) return;
    this.sweep(this.count > 2 * current + SWEEP_SLACK ? 0 : this.swept);
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
    this.swept = 0;
  }

  /** Keeps, in order, only the items from `from` on that are still current. */
  private sweep(from: number): void {
    const items = this.items;
    const n = this.count;
    let kept = from;
    for (let i = from; i < n; i++) {
      const item = items[i]!;
      if (this.isCurrent(item)) items[kept++] = item;
    }
    // What was dropped must not stay reachable from here.
    for (let i = kept; i < n; i++) items[i] = undefined;
    this.count = kept;
    this.swept = kept;
  }
}
