/** Deletions after which a RenewingMap moves to a fresh Map, at the least. */
export const RENEW_AFTER = 1024;

/**
 * A Map for keys that come and go all the time, moved to a fresh Map once per max(size, RENEW_AFTER)
 * deletions so its table stays young. See docs/design/memory-and-gc.md#maps-that-churn.
 * Kept for speed: a plain Map costs figure 1 6% more instructions per message.
 */
export class RenewingMap<K, V> {
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
