import type { CountingIds } from './counting-ids.js';
import { RingFiling } from './ring-filing.js';

/**
 * RecentIds for allocations whose ids a CountingIds made (the id is a prefix and the
 * allocation's serial): the latest `limit` added, each with a slot of a ring, findable by
 * id; older ones are forgotten in the order they were added.
 *
 * Each is kept as its serial, a number in a typed array rather than a string: remembering
 * 100,000 ended allocations then gives the collector nothing to copy or mark, and adding
 * one reads no text. Serials are filed in a map only when a lookup (which reads the count
 * back out of an id) first needs them (RingFiling), as in RecentIds.
 */
export class RecentCounts {
  private readonly ring: Float64Array;
  /** Counts ever added. */
  private count = 0;
  /** The slot of the next count added: count % limit. */
  private next = 0;
  private readonly filing: RingFiling<number>;

  constructor(
    readonly limit: number,
    private readonly ids: CountingIds,
  ) {
    this.ring = new Float64Array(Math.max(0, limit));
    this.filing = new RingFiling(limit, (i) => this.ring[i % limit]!);
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
