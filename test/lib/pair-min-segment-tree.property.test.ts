import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairMinSegmentTree } from '../../src/lib/pair-min-segment-tree.js';

// The tree must name what a linear scan over an array of pairs by id names.

/** The id of the least pair in `pairs` (by first, then second, then id), or -1. */
function scan(pairs: readonly ([number, number] | undefined)[]): number {
  let best = -1;
  for (let id = 0; id < pairs.length; id++) {
    const p = pairs[id];
    if (p === undefined) continue;
    const b = pairs[best];
    if (b === undefined || p[0] < b[0] || (p[0] === b[0] && p[1] < b[1])) best = id;
  }
  return best;
}

type Op = { kind: 'set'; id: number; first: number; second: number } | { kind: 'unset'; id: number };

// Small number ranges so that ties on one or both numbers are common; ids mostly in the
// first size, sometimes far past it.
const id = fc.oneof({ weight: 4, arbitrary: fc.nat(20) }, { weight: 1, arbitrary: fc.nat(300) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), id, first: fc.integer({ min: -3, max: 3 }), second: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unset' as const), id }) },
);

describe('PairMinSegmentTree against a linear scan', () => {
  it('names the same id after every set and unset', () => {
    fc.assert(
      // size 'large': fast-check keeps arrays to about ten items unless told.
      fc.property(fc.array(op, { minLength: 1, maxLength: 300, size: 'large' }), (ops) => {
        const t = new PairMinSegmentTree();
        const pairs: ([number, number] | undefined)[] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            t.set(o.id, o.first, o.second);
            pairs[o.id] = [o.first, o.second];
          } else {
            t.unset(o.id);
            pairs[o.id] = undefined;
          }
          expect(t.least()).toBe(scan(pairs));
        }
      }),
      { numRuns: 300 },
    );
  });
});
