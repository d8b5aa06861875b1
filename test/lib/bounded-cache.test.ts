import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/lib/bounded-cache.js';
import { HashBuckets } from '../../src/lib/hash-buckets.js';

describe('BoundedCache', () => {
  it('keeps values for its first keys only, and hands back what it was given either way', () => {
    const cache = new BoundedCache<string, number>(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.keep('a', 1)).toBe(1);
    expect(cache.keep('b', 2)).toBe(2);
    expect(cache.keep('c', 3)).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, 2, undefined]);
  });
});

describe('HashBuckets', () => {
  it('files items that share a hash together and forgets them one by one', () => {
    const buckets = new HashBuckets<{ name: string }>();
    const x = { name: 'x' };
    const y = { name: 'y' };
    const z = { name: 'z' };
    buckets.add(7, x);
    buckets.add(7, y);
    buckets.add(8, z);
    expect(buckets.bucket(7)).toEqual([x, y]);
    expect(buckets.bucket(9)).toEqual([]);
    buckets.delete(7, x);
    expect(buckets.bucket(7)).toEqual([y]);
    buckets.delete(7, z);
    expect(buckets.bucket(7)).toEqual([y]);
    buckets.delete(7, y);
    expect(buckets.bucket(7)).toEqual([]);
    expect(buckets.bucket(8)).toEqual([z]);
  });
});
