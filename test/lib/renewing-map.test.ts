import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenewingMap, RENEW_AFTER } from '../../src/lib/renewing-map.js';

type Op = { readonly set: number; readonly value: number } | { readonly delete: number };

/** Long runs over few keys, so that deletions hit and moves happen with entries in the map. */
const KEYS = 12;
const ops = fc.array(
  fc.oneof(
    fc.record({ set: fc.integer({ min: 0, max: KEYS }), value: fc.integer() }),
    fc.record({ delete: fc.integer({ min: 0, max: KEYS }) }),
  ),
  { minLength: 50, maxLength: 400 },
);

describe('RenewingMap', () => {
  it('answers as a Map does, entries in the same order, whatever the sets and deletes', () => {
    fc.assert(
      // A move after as few as 1 to 8 deletions, so that sequences cross many moves.
      fc.property(ops, fc.integer({ min: 1, max: 8 }), (list: Op[], renewAfter) => {
        const m = new RenewingMap<number, number>(renewAfter);
        const model = new Map<number, number>();
        for (const op of list) {
          if ('set' in op) {
            m.set(op.set, op.value);
            model.set(op.set, op.value);
          } else {
            expect(m.delete(op.delete)).toBe(model.delete(op.delete));
          }
          expect(m.size).toBe(model.size);
        }
        expect([...m.keys()]).toEqual([...model.keys()]);
        expect([...m.values()]).toEqual([...model.values()]);
        for (let k = 0; k <= KEYS; k++) expect([m.has(k), m.get(k)]).toEqual([model.has(k), model.get(k)]);
      }),
    );
  });

  it('keeps its entries and their order across the moves to a fresh map', () => {
    const m = new RenewingMap<string, number>();
    const kept = ['k1', 'k2', 'k3'];
    kept.forEach((k, i) => m.set(k, i));
    // Enough deletions for several moves, with the three kept keys live throughout.
    for (let i = 0; i < 5 * RENEW_AFTER; i++) {
      m.set(`churn-${i}`, i);
      m.delete(`churn-${i}`);
    }
    expect([[...m.keys()], [...m.values()]]).toEqual([kept, [0, 1, 2]]);
  });
});
