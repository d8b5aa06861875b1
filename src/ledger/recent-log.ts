/**
 * The latest `limit` entries set, findable by key; older ones are forgotten in the order
 * they were set. Setting costs one write into a ring: entries are filed in a map only when
 * a lookup first needs them (each entry at most once), so a log written on every release
 * and read only when a release is retried never hashes a key on the write path.
 * Each key is set at most once while it is remembered (allocation ids are unique).
 */
export class RecentLog<K, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];
  /** Entries ever set. */
  private count = 0;
  /** Entries set before this count that are still remembered are filed in `filed`. */
  private filedUpTo = 0;
  private readonly filed = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** Entries remembered. */
  get size(): number {
    return Math.min(this.count, this.limit);
  }

  get(key: K): V | undefined {
    const v = this.filed.get(key);
    if (v !== undefined || this.filedUpTo === this.count) return v;
    for (let i = Math.max(this.filedUpTo, this.count - this.limit); i < this.count; i++) {
      const slot = i % this.limit;
      this.filed.set(this.keys[slot]!, this.values[slot]!);
    }
    this.filedUpTo = this.count;
    return this.filed.get(key);
  }

  set(key: K, value: V): void {
    if (this.limit <= 0) return;
    const slot = this.count % this.limit;
    // The entry this one replaces in the ring is forgotten; unfile it if it was filed.
    if (this.count >= this.limit && this.count - this.limit < this.filedUpTo) this.filed.delete(this.keys[slot]!);
    this.keys[slot] = key;
    this.values[slot] = value;
    this.count++;
  }
}
