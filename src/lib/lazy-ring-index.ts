/**
 * The lookup half of RecentStrings and RecentNumbers: entry i sits in slot i % limit, filed in a map at
 * most once, when a lookup first needs it. See docs/design/memory-and-gc.md#remembering-ended-allocations.
 * Kept for speed: filing every key as it comes costs figure 5 8% more instructions per op.
 */
export class LazyRingIndex<K> {
  /** Entries added before this many that are still remembered are filed in `filed`. */
  private filedUpTo = 0;
  private readonly filed = new Map<K, number>();

  /** @param keyAt the key of entry i, which must still be kept in the ring. */
  constructor(
    private readonly limit: number,
    private readonly keyAt: (i: number) => K,
  ) {}

  /** The slot of `key` among the first `count` entries still remembered, or -1. */
  slotOf(key: K, count: number): number {
    const slot = this.filed.get(key);
    if (slot !== undefined || this.filedUpTo === count) return slot ?? -1;
    for (let i = Math.max(this.filedUpTo, count - this.limit); i < count; i++) this.filed.set(this.keyAt(i), i % this.limit);
    this.filedUpTo = count;
    return this.filed.get(key) ?? -1;
  }

  /** Entry i is about to be forgotten (its slot is taken by a new one): unfiles it if it was filed. */
  forget(i: number): void {
    if (i < this.filedUpTo) this.filed.delete(this.keyAt(i));
  }
}
