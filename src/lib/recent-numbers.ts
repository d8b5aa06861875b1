import type { SequentialIds } from './sequential-ids.js';
import { LazyRingIndex } from './lazy-ring-index.js';

/**
 * RecentStrings for counted ids: each kept as its serial in a typed array, so 100,000 remembered ids
 * give the collector nothing to trace. See docs/design/memory-and-gc.md#remembering-ended-allocations.
 * Kept for speed: RecentStrings for these ids too costs figure 5 11% more instructions per op.
 */
export class RecentNumbers {
  private readonly ring: Float64Array;
  /** Counts ever added. */
  private count = 0;
  /** The slot of the next count added: count % limit. */
  private next = 0;
  private readonly filing: LazyRingIndex<number>;

  constructor(
    readonly limit: number,
    private readonly ids: SequentialIds,
  ) {
    this.ring = new Float64Array(Math.max(0, limit));
    this.filing = new LazyRingIndex(limit, (i) => this.ring[i % limit]!);
  }

  /** Counts remembered. */
  get size(): number {
    return Math.min(this.count, this.limit);
  }

  /** The slot of `id`, or -1 when it was never added or has been forgotten. */
  slotOf(id: string): number {
    const n = this.ids.countOf(id);
    return n < 0 ? -1 : this.filing.slotOf(n, this.count);
  }

  /** Remembers `a`, whose id is counted by its serial, forgetting the oldest when full; returns its slot (-1 when `limit` is 0). */
  add(a: { readonly serial: number }): number {
    if (this.limit <= 0) return -1;
    const n = a.serial;
    const i = this.count;
    const slot = this.next;
    // The count this one replaces in the ring is forgotten.
    if (i >= this.limit) this.filing.forget(i - this.limit);
    this.ring[slot] = n;
    this.count++;
    this.next = slot + 1 === this.limit ? 0 : slot + 1;
    return slot;
  }
}
