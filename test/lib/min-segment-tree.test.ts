import { describe, expect, it } from 'vitest';
import { MinSegmentTree } from '../../src/lib/min-segment-tree.js';

function collect(t: MinSegmentTree, limit: number): number[] {
  const out: number[] = [];
  t.collect(limit, out);
  return out.sort((a, b) => a - b);
}

describe('MinSegmentTree', () => {
  it('lists nothing when empty', () => {
    expect(collect(new MinSegmentTree(), 1e9)).toEqual([]);
  });

  it('lists exactly the ids whose value is at most the limit', () => {
    const t = new MinSegmentTree();
    t.set(0, 5);
    t.set(3, 1);
    t.set(7, 5);
    t.set(9, 0);
    expect(collect(t, 0)).toEqual([9]);
    expect(collect(t, 4)).toEqual([3, 9]);
    expect(collect(t, 5)).toEqual([0, 3, 7, 9]);
    expect(collect(t, -1)).toEqual([]);
    t.set(3, Infinity);
    expect(collect(t, 4)).toEqual([9]);
  });

  it('grows past its first size and keeps what it held', () => {
    const t = new MinSegmentTree();
    t.set(2, 3);
    t.set(100, 2);
    t.set(1000, 1);
    expect(collect(t, 3)).toEqual([2, 100, 1000]);
    expect(collect(t, 2)).toEqual([100, 1000]);
    t.set(100, 9);
    expect(collect(t, 2)).toEqual([1000]);
  });

  it('agrees with a plain filter on random operations', () => {
    let seed = 777;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const t = new MinSegmentTree();
    const values = new Map<number, number>();
    for (let step = 0; step < 2000; step++) {
      const id = rand(step < 1000 ? 40 : 300);
      const v = rand(5) === 0 ? Infinity : rand(20);
      t.set(id, v);
      values.set(id, v);
      const limit = rand(22) - 1;
      const expected = [...values].filter(([, x]) => x <= limit).map(([i]) => i).sort((a, b) => a - b);
      expect(collect(t, limit)).toEqual(expected);
    }
  });
});
