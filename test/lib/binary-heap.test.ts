import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from '../../src/lib/binary-heap.js';

describe('BinaryHeap', () => {
  it('is empty at first', () => {
    const h = new BinaryHeap<number>((a, b) => a < b);
    expect([h.size, h.peek(), h.pop()]).toEqual([0, undefined, undefined]);
  });

  it('puts given items in order at once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -9, max: 9 })), (xs) => {
        const h = new BinaryHeap<number>((a, b) => a < b, xs.slice());
        const out: number[] = [];
        for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
        expect(out).toEqual(xs.slice().sort((a, b) => a - b));
      }),
    );
  });

  it('gives back what a sorted array gives, through any mix of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined })), (ops) => {
        const h = new BinaryHeap<number>((a, b) => a < b);
        const model: number[] = [];
        for (const op of ops) {
          if (op === undefined) {
            model.sort((a, b) => a - b);
            expect(h.pop()).toBe(model.shift());
          } else {
            h.push(op);
            model.push(op);
          }
          expect(h.size).toBe(model.length);
          expect(h.peek()).toBe(model.length === 0 ? undefined : Math.min(...model));
        }
      }),
    );
  });
});
