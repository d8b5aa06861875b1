import { describe, expect, it } from 'vitest';
import { Shapes, hashStep } from '../../../src/core/ledger/shapes.js';

function hashOf(types: readonly number[], units: readonly number[]): number {
  let h = 0;
  for (let i = 0; i < types.length; i++) h = hashStep(h, types[i]!, units[i]!);
  return h;
}

describe('Shapes', () => {
  it('hands out one shape per distinct (types, units), with arrays of exactly its length', () => {
    const shapes = new Shapes(100);
    const scratchTypes = [0, 2, 9, 9];
    const scratchUnits = [1000, 500, 7, 7];
    const a = shapes.intern(scratchTypes, scratchUnits, 2, hashOf([0, 2], [1000, 500]));
    expect(a.types).toEqual([0, 2]);
    expect(a.units).toEqual([1000, 500]);
    expect(shapes.intern([0, 2], [1000, 500], 2, hashOf([0, 2], [1000, 500]))).toBe(a);
    // Order matters, and so does every amount.
    expect(shapes.intern([2, 0], [500, 1000], 2, hashOf([2, 0], [500, 1000]))).not.toBe(a);
    expect(shapes.intern([0, 2], [1000, 501], 2, hashOf([0, 2], [1000, 501]))).not.toBe(a);
    expect(shapes.size).toBe(3);
  });

  it('tells apart shapes whose hashes collide', () => {
    const shapes = new Shapes(100);
    const a = shapes.intern([0], [1000], 1, 42);
    const b = shapes.intern([1], [1000], 1, 42);
    const c = shapes.intern([0], [2000], 1, 42);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(shapes.intern([1], [1000], 1, 42)).toBe(b);
    expect(shapes.intern([0], [2000], 1, 42)).toBe(c);
    expect(shapes.intern([0], [1000], 1, 42)).toBe(a);
  });

  it('stops interning at its limit but still resolves every shape', () => {
    const shapes = new Shapes(2);
    const first = shapes.intern([0], [1], 1, hashOf([0], [1]));
    shapes.intern([0], [2], 1, hashOf([0], [2]));
    const late = shapes.intern([0], [3], 1, hashOf([0], [3]));
    expect(late.units).toEqual([3]);
    expect(shapes.intern([0], [3], 1, hashOf([0], [3]))).not.toBe(late);
    expect(shapes.intern([0], [1], 1, hashOf([0], [1]))).toBe(first);
    expect(shapes.size).toBe(2);
  });

  it('numbers interned shapes in the order first seen, and no others', () => {
    const shapes = new Shapes(2);
    const a = shapes.intern([0], [1], 1, hashOf([0], [1]));
    const b = shapes.intern([1, 0], [5, 6], 2, hashOf([1, 0], [5, 6]));
    const late = shapes.intern([0], [3], 1, hashOf([0], [3]));
    // Asked about each in turn, and twice in a row (the remembered last answer).
    for (const [shape, n] of [[a, 0], [b, 1], [b, 1], [late, -1], [a, 0], [a, 0]] as const) expect(shapes.numberOf(shape.types, shape.units)).toBe(n);
    expect([shapes.at(0), shapes.at(1)]).toEqual([a, b]);
    // Units equal to an interned shape's but not its own array are not it; nor is a pair
    // whose type list differs from the shape's.
    expect(shapes.numberOf([0], [1])).toBe(-1);
    expect(shapes.numberOf(a.types, b.units)).toBe(-1);
    expect(shapes.numberOf(b.types, b.units)).toBe(1);
    expect(shapes.numberOf(b.types, a.units)).toBe(-1);
    // Another array holding the same type list (as the wait queue hands out, one per
    // group) names the same shape.
    const c = shapes.intern([0], [9], 1, hashOf([0], [9]));
    expect(shapes.numberOf(a.types, late.units)).toBe(-1);
    expect(shapes.numberOf(c.types, a.units)).toBe(0);
    expect(shapes.numberOf([1, 0], b.units)).toBe(1);
  });

  it('hashes units above 2^32 by their high bits too', () => {
    expect(hashStep(0, 0, 2 ** 40)).not.toBe(hashStep(0, 0, 2 ** 41));
  });
});
