import { RenewingMap } from './renewing-map.js';

/**
 * At most `limit` keys: a new one forgets the key first set longest ago (setting a present key keeps
 * its place), named by a ring, not a scan. See docs/design/memory-and-gc.md#remembering-ended-allocations.
 */
export class BoundedMap<K, V> {
  /** Full, it forgets a key for each new one: it churns (see RenewingMap). */
  private readonly map = new RenewingMap<K, V>();
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

  /** Sets `key` to `value` and returns `value`: `cache.get(k) ?? cache.keep(k, make(k))`. */
  keep(key: K, value: V): V {
    this.set(key, value);
    return value;
  }
}
