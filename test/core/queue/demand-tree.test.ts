import { describe, expect, it } from 'vitest';
import { DemandTree } from '../../../src/core/queue/demand-tree.js';

/** The earliest slot whose every demand fits `avail`, found by a plain scan. */
function scan(leaves: (number[] | null)[], avail: number[]): number {
  return leaves.findIndex((v) => v !== null && v.every((x, j) => x <= avail[j]!));
}

/** No dimension has had anything free lately: every blocked dimension is as good as another. */
const NONE = [-Infinity, -Infinity, -Infinity];

/** A tree over `leaves`, each live slot filed under dimension `filing(slot)`. */
function treeOf(leaves: (number[] | null)[], dims: number, filing: (slot: number) => number = () => 0): DemandTree {
  const t = new DemandTree(dims, leaves.length);
  leaves.forEach((v, s) => {
    if (v !== null) t.set(s, filing(s), v[filing(s)]!);
  });
  return t;
}

describe('DemandTree', () => {
  it('finds nothing when empty', () => {
    const t = new DemandTree(2);
    expect(t.capacity).toBe(16);
    expect(t.findFirst([1e9, 1e9], NONE, () => [0, 0])).toBe(-1);
    expect(t.lowest(0)).toBe(Infinity);
  });

  it('finds the earliest slot whose every demand fits, whatever each is filed under', () => {
    const leaves = [[5, 1], [1, 5], [2, 2], null, null, [1, 1], null, null];
    for (const filing of [() => 0, () => 1, (s: number) => s % 2]) {
      const t = treeOf(leaves, 2, filing);
      const demandsOf = (s: number) => leaves[s]!;
      expect(t.findFirst([5, 1], NONE, demandsOf)).toBe(0);
      expect(t.findFirst([4, 5], NONE, demandsOf)).toBe(1);
      expect(t.findFirst([3, 3], NONE, demandsOf)).toBe(2);
      expect(t.findFirst([1, 1], NONE, demandsOf)).toBe(5);
      expect(t.findFirst([0, 10], NONE, demandsOf)).toBe(-1);
      // A slot is never matched on one dimension alone.
      expect(t.findFirst([1, 4], NONE, demandsOf)).toBe(5);
    }
  });

  it('files a slot that was reached but does not fit under a dimension it is blocked on', () => {
    const leaves = [[1, 9], [8, 1]];
    const t = treeOf(leaves, 2, (s) => s);
    expect(t.lowest(0)).toBe(1);
    expect(t.lowest(1)).toBe(1);
    // Slot 0 (filed under 0) and slot 1 (filed under 1) are both reached; neither fits.
    expect(t.findFirst([5, 5], NONE, (s) => leaves[s]!)).toBe(-1);
    expect(t.lowest(0)).toBe(8);
    expect(t.lowest(1)).toBe(9);
    // The same room again is now settled at the root, without asking for any demands.
    expect(t.findFirst([5, 5], NONE, () => expect.unreachable())).toBe(-1);
    expect(t.findFirst([8, 9], NONE, (s) => leaves[s]!)).toBe(0);
  });

  it('prefers to file a slot under a demand above what that dimension has had free lately', () => {
    const leaves = [[3, 3, 3]];
    const t = treeOf(leaves, 3, () => 0);
    // Blocked on dimensions 1 and 2; dimension 1 had 5 free lately, dimension 2 only 1.
    expect(t.findFirst([3, 0, 0], [3, 5, 1], () => leaves[0]!)).toBe(-1);
    expect(t.lowest(2)).toBe(3);
    expect(t.lowest(1)).toBe(Infinity);
    // Every blocked demand within reach: the first blocked dimension.
    expect(t.findFirst([0, 0, 3], [9, 9, 9], () => leaves[0]!)).toBe(-1);
    expect(t.lowest(0)).toBe(3);
  });

  it('treats equality as fitting', () => {
    const t = new DemandTree(1, 4);
    t.set(3, 0, 7);
    expect(t.findFirst([6], NONE, () => [7])).toBe(-1);
    expect(t.findFirst([7], NONE, () => [7])).toBe(3);
  });

  it('forgets an emptied slot', () => {
    const t = new DemandTree(1, 4);
    t.set(0, 0, 1);
    t.set(1, 0, 1);
    t.set(0, -1, 0);
    expect(t.findFirst([1], NONE, () => [1])).toBe(1);
    t.set(1, -1, 0);
    expect(t.findFirst([100], NONE, () => [1])).toBe(-1);
    expect(t.lowest(0)).toBe(Infinity);
  });

  it('updates ancestors when a slot is filed again', () => {
    const t = new DemandTree(2, 4);
    t.set(2, 0, 1);
    t.set(2, 1, 9);
    expect(t.lowest(0)).toBe(Infinity);
    expect(t.findFirst([5, 5], NONE, () => [1, 9])).toBe(-1);
    t.set(2, 1, 4);
    expect(t.findFirst([5, 5], NONE, () => [1, 4])).toBe(2);
  });

  it('rebuilds to another size, moving slots and keeping their filings', () => {
    const leaves = [[3, 3], null, [1, 9], [2, 1]];
    const t = treeOf(leaves, 2, (s) => (s === 3 ? 1 : 0));
    t.rebuild(8, [0, 2, 3]);
    const moved = [leaves[0]!, leaves[2]!, leaves[3]!];
    expect(t.capacity).toBe(8);
    expect(t.lowest(0)).toBe(1);
    expect(t.lowest(1)).toBe(1);
    expect(t.findFirst([2, 2], NONE, (s) => moved[s]!)).toBe(2);
    expect(t.findFirst([3, 9], NONE, (s) => moved[s]!)).toBe(0);
    expect(t.findFirst([1, 9], NONE, (s) => moved[s]!)).toBe(1);
    t.rebuild(4, []);
    expect(t.findFirst([9, 9], NONE, () => [0, 0])).toBe(-1);
  });

  it('agrees with a plain scan on many random operations and filings', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const size = 64;
    const t = new DemandTree(3, size);
    const leaves: (number[] | null)[] = new Array(size).fill(null);
    const demandsOf = (s: number) => leaves[s]!;
    for (let step = 0; step < 3000; step++) {
      const slot = rand(size);
      const v = rand(4) === 0 ? null : [rand(10), rand(10), rand(10)];
      const dim = rand(3);
      t.set(slot, v === null ? -1 : dim, v === null ? 0 : v[dim]!);
      leaves[slot] = v;
      // Several searches in a row: the filings they leave must not change the answers.
      for (let q = 0; q < 3; q++) {
        const avail = [rand(12) - 1, rand(12) - 1, rand(12) - 1];
        const reach = [rand(12) - 1, rand(12) - 1, rand(12) - 1];
        expect(t.findFirst(avail, reach, demandsOf)).toBe(scan(leaves, avail));
      }
    }
  });
});
