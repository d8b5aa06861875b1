import { describe, expect, it } from 'vitest';
import { MinTree } from '../../src/ledger/min-tree.js';

/** The earliest slot whose every value fits `avail`, found by a plain scan. */
function scan(leaves: (number[] | null)[], avail: number[]): number {
  return leaves.findIndex((v) => v !== null && v.every((x, j) => x <= avail[j]!));
}

describe('MinTree', () => {
  it('finds nothing when empty', () => {
    const t = new MinTree(2);
    expect(t.capacity).toBe(16);
    expect(t.findFirst([1e9, 1e9])).toBe(-1);
  });

  it('finds the earliest slot whose every dimension fits', () => {
    const t = new MinTree(2, 8);
    t.set(0, [5, 1]);
    t.set(1, [1, 5]);
    t.set(2, [2, 2]);
    t.set(5, [1, 1]);
    expect(t.findFirst([5, 1])).toBe(0);
    expect(t.findFirst([4, 5])).toBe(1);
    expect(t.findFirst([3, 3])).toBe(2);
    expect(t.findFirst([1, 1])).toBe(5);
    expect(t.findFirst([0, 10])).toBe(-1);
    // A slot is never matched on one dimension alone.
    expect(t.findFirst([1, 4])).toBe(5);
  });

  it('treats equality as fitting', () => {
    const t = new MinTree(1, 4);
    t.set(3, [7]);
    expect(t.findFirst([6])).toBe(-1);
    expect(t.findFirst([7])).toBe(3);
  });

  it('forgets an emptied slot', () => {
    const t = new MinTree(1, 4);
    t.set(0, [1]);
    t.set(1, [1]);
    t.set(0, null);
    expect(t.findFirst([1])).toBe(1);
    t.set(1, null);
    expect(t.findFirst([100])).toBe(-1);
  });

  it('updates ancestors when a slot grows or shrinks', () => {
    const t = new MinTree(1, 4);
    t.set(2, [1]);
    t.set(2, [9]);
    expect(t.findFirst([5])).toBe(-1);
    t.set(2, [4]);
    expect(t.findFirst([5])).toBe(2);
  });

  it('rebuilds to a larger size from leaf values', () => {
    const t = new MinTree(2, 2);
    const leaves = [
      [3, 3],
      [1, 9],
      [2, 1],
    ];
    t.rebuild(4, leaves.length, (s) => leaves[s]!);
    expect(t.capacity).toBe(4);
    expect(t.findFirst([2, 2])).toBe(2);
    expect(t.findFirst([3, 9])).toBe(0);
    expect(t.findFirst([1, 9])).toBe(1);
    t.set(3, [0, 0]);
    expect(t.findFirst([0, 0])).toBe(3);
  });

  it('agrees with a plain scan on many random operations', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const size = 64;
    const t = new MinTree(3, size);
    const leaves: (number[] | null)[] = new Array(size).fill(null);
    for (let step = 0; step < 3000; step++) {
      const slot = rand(size);
      const v = rand(4) === 0 ? null : [rand(10), rand(10), rand(10)];
      t.set(slot, v);
      leaves[slot] = v;
      const avail = [rand(10), rand(10), rand(10)];
      expect(t.findFirst(avail)).toBe(scan(leaves, avail));
    }
  });
});
