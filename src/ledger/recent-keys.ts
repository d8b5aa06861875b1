/**
 * The latest `limit` keys added, each in a slot of a ring, findable by key; older ones
 * are forgotten in the order they were added. The caller keeps what it remembers of a key
 * in its own arrays, at the slot `add` returns, so an entry is a few array writes and no
 * object. Adding costs one write into the ring: keys are filed in a map only when a lookup
 * first needs them (each at most once), so a log written on every release and read only
 * when a release is retried never hashes a key on the write path.
 * Each key is added at most once while it is remembered (allocation ids are unique).
 */
export class RecentKeys<K> {
  private readonly keys: K[] = [];
  /** Keys ever added. */
  private count = 0;
  /** Keys added before this count that are still remembered are filed in `filed`. */
  private filedUpTo = 0;
  private readonly filed = new Map<K, number>();

  constructor(readonly limit: number) {}

  /** Keys remembered. */
  get size(): number {
    return Math.min(this.count, this.limit);
  }

  /** The slot of `key`, or -1 when it was never added or has been forgotten. */
  slotOf(key: K): number {
    const slot = this.filed.get(key);
    if (slot !== undefined || this.filedUpTo === this.count) return slot ?? -1;
    for (let i = Math.max(this.filedUpTo, this.count - this.limit); i < this.count; i++) {
      const s = i % this.limit;
      this.filed.set(this.keys[s]!, s);
    }
    this.filedUpTo = this.count;
    return this.filed.get(key) ?? -1;
  }

  /** Remembers `key`, forgetting the oldest key when full; returns its slot (-1 when `limit` is 0). */
  add(key: K): number {
    if (this.limit <= 0) return -1;
    const slot = this.count % this.limit;
    // The key this one replaces in the ring is forgotten; unfile it if it was filed.
    if (this.count >= this.limit && this.count - this.limit < this.filedUpTo) this.filed.delete(this.keys[slot]!);
    this.keys[slot] = key;
    this.count++;
    return slot;
  }
}
