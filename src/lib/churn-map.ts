/** Deletions after which a ChurnMap moves to a fresh Map, at the least. */
export const RENEW_AFTER = 1024;

/**
 * A Map for keys that come and go all the time (live allocations, a client's requests,
 * running jobs): a long-lived map that is always being added to and deleted from. Now and
 * then it moves its entries into a fresh Map.
 *
 * Why: V8 rebuilds a Map's hash table whenever deleted entries fill it, and allocates the
 * new table in the generation where the old one lives. Once a long-lived Map has been
 * through a full collection, its table is in the old generation, and so is every rebuild
 * after that: for a small map that churns, a dead table every few operations. The old
 * generation then fills with garbage, full collections come often, and fresh pages are
 * faulted in each time. A fresh Map's table is young again, and a young table that dies
 * young costs nearly nothing. (Measured: a two-entry map churned in a loop ran about 3x
 * slower once its table was old; see docs/performance.md.)
 *
 * Moving n entries costs O(n) and happens once per max(n, RENEW_AFTER) deletions: O(1)
 * per deletion. keys() and values() go in insertion order, as for a Map, across moves.
 */
export class ChurnMap<K, V> {
  private map = new Map<K, V>();
  private deleted = 0;

  /** @param renewAfter the least deletions between moves (small only in tests). */
  constructor(private readonly renewAfter = RENEW_AFTER) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.map.delete(key)) return false;
    if (++this.deleted >= this.renewAfter && this.deleted >= this.map.size) {
      this.map = new Map(this.map);
      this.deleted = 0;
    }
    return true;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }
}
