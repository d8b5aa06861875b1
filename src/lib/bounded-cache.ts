/** Values kept for the first `limit` keys only, so memory stays bounded: `cache.get(k) ?? cache.keep(k, make(k))`. */
export class BoundedCache<K, V> {
  private readonly kept = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.kept.get(key);
  }

  /** Keeps `value` for `key` while there is room, and returns it. */
  keep(key: K, value: V): V {
    if (this.kept.size < this.limit) this.kept.set(key, value);
    return value;
  }
}
