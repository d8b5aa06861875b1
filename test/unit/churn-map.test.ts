import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChurnMap, RENEW_AFTER } from '../../src/ledger/churn-map.js';

type Op = { readonly set: number; readonly value: number } | { readonly delete: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ set: fc.integer({ min: 0, max: 40 }), value: fc.integer() }),
    fc.record({ delete: fc.integer({ min: 0, max: 40 }) }),
  ),
  { maxLength: 400 },
);

describe('ChurnMap', () => {
  it('answers as a Map does, entries in the same order, whatever the sets and deletes', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const m = new ChurnMap<number, number>();
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
        expect([...m]).toEqual([...model]);
        expect([...m.keys()]).toEqual([...model.keys()]);
        expect([...m.values()]).toEqual([...model.values()]);
        for (let k = 0; k <= 40; k++) expect([m.has(k), m.get(k)]).toEqual([model.has(k), model.get(k)]);
      }),
    );
  });

  it('keeps its entries and their order across the moves to a fresh map', () => {
    const m = new ChurnMap<string, number>();
    const kept = ['k1', 'k2', 'k3'];
    kept.forEach((k, i) => m.set(k, i));
    // Enough deletions for several moves, with the three kept keys live throughout.
    for (let i = 0; i < 5 * RENEW_AFTER; i++) {
      m.set(`churn-${i}`, i);
      m.delete(`churn-${i}`);
    }
    expect([...m]).toEqual([['k1', 0], ['k2', 1], ['k3', 2]]);
  });
});
