import { describe, expect, it } from 'vitest';
import { PairMinSegmentTree } from '../../src/lib/pair-min-segment-tree.js';

describe('PairMinSegmentTree', () => {
  it('names no id when empty or when every pair was taken away', () => {
    const t = new PairMinSegmentTree();
    expect(t.least()).toBe(-1);
    t.set(3, 1, 1);
    t.unset(3);
    t.unset(99);
    expect(t.least()).toBe(-1);
  });

  it('orders by the first number, then the second, then the id', () => {
    const t = new PairMinSegmentTree();
    t.set(5, 2, 0);
    t.set(9, 1, 7);
    expect(t.least()).toBe(9);
    t.set(2, 1, 3);
    expect(t.least()).toBe(2);
    t.set(7, 1, 3);
    expect(t.least()).toBe(2);
    t.set(2, 1, 4);
    expect(t.least()).toBe(7);
    t.unset(7);
    expect(t.least()).toBe(2);
  });

  it('follows the winner when its own pair changes', () => {
    const t = new PairMinSegmentTree();
    t.set(0, 0, 0);
    t.set(1, 1, 0);
    expect(t.least()).toBe(0);
    t.set(0, 2, 0);
    expect(t.least()).toBe(1);
  });

  it('grows past its first size and keeps what it held', () => {
    const t = new PairMinSegmentTree();
    t.set(4, -3, 10);
    t.set(1000, -3, 2);
    expect(t.least()).toBe(1000);
    t.set(40, -4, 99);
    expect(t.least()).toBe(40);
    t.unset(40);
    t.unset(1000);
    expect(t.least()).toBe(4);
  });
});
