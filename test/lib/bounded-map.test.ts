import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/lib/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the key set longest ago once past its limit', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) m.set(k, i);
    expect([m.get('a'), m.get('b'), m.get('c'), m.get('d'), m.size]).toEqual([undefined, 1, 2, 3, 3]);
  });

  it('updates a key in place, keeping its place in line', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 10);
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('keeps exactly the latest keys over many rounds', () => {
    const m = new BoundedMap<number, number>(5);
    for (let i = 0; i < 1000; i++) m.set(i, i * 2);
    expect(m.size).toBe(5);
    expect([995, 996, 997, 998, 999].map((k) => m.get(k))).toEqual([1990, 1992, 1994, 1996, 1998]);
    expect(m.get(994)).toBeUndefined();
  });

  it('remembers nothing with limit 0', () => {
    const m = new BoundedMap<string, number>(0);
    m.set('a', 1);
    expect([m.get('a'), m.size]).toEqual([undefined, 0]);
  });
});
