import { ChurnMap } from './churn-map.js';

/**
 * A map that remembers at most `limit` keys: when a new key would go past the limit, the
 * key first set longest ago is forgotten. Setting a key that is already there updates its
 * value and keeps its place. Keys are never deleted otherwise, so a ring of keys in
 * insertion order names the one to forget in O(1), with no scan over deleted entries.
 */
export class BoundedMap<K, V> {
  /** Full, it forgets a key for each new one: it churns (see ChurnMap). */
  private readonly map = new ChurnMap<K, V>();
  private readonly ring: K[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.limit <= 0) return;
    if (!this.map.has(key)) {
      if (this.map.size >= this.limit) this.map.delete(this.ring[this.next]!);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.limit;
    }
    this.map.set(key, value);
  }
}
