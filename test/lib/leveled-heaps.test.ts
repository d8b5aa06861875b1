import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeveledHeaps } from '../../src/lib/leveled-heaps.js';

interface Item {
  heapIndex: number;
  level: number;
  key: number;
  id: number;
}

const less = (a: Item, b: Item) => (a.key !== b.key ? a.key < b.key : a.id < b.id);

type Op = { kind: 'push'; level: number; key: number } | { kind: 'remove'; pick: number } | { kind: 'rekey'; pick: number; key: number } | { kind: 'rekeyAll'; add: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), level: fc.integer({ min: -2, max: 3 }), key: fc.nat(9) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rekey' as const), pick: fc.nat(), key: fc.nat(9) }),
  fc.record({ kind: fc.constant('rekeyAll' as const), add: fc.integer({ min: -3, max: 3 }) }),
);

describe('LeveledHeaps', () => {
  it('agrees with sorted lists per level: levels highest first, items least first, empty levels gone', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.nat(4), (ops, stopAfter) => {
        const h = new LeveledHeaps<Item>(less);
        const live: Item[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            const x = { heapIndex: -1, level: o.level, key: o.key, id: id++ };
            live.push(x);
            h.push(x.level, x);
          } else if (live.length > 0 && o.kind === 'remove') {
            const [x] = live.splice(o.pick % live.length, 1);
            h.remove(x!.level, x!);
          } else if (live.length > 0 && o.kind === 'rekey') {
            const x = live[o.pick % live.length]!;
            x.key = o.key;
            h.update(x.level, x);
          } else if (o.kind === 'rekeyAll') {
            h.rekeyAll((x) => (x.key = (x.key * 7 + o.add + 20) % 10));
          }
          const levels = [...new Set(live.map((x) => x.level))].sort((a, b) => b - a);
          expect(h.highest()).toBe(levels[0]);
          expect([...h.levelsFrom(1)]).toEqual(levels.filter((l) => l <= 1));
          for (const l of levels) {
            const sorted = live.filter((x) => x.level === l).sort((a, b) => (less(a, b) ? -1 : 1));
            expect(h.least(l)).toBe(sorted[0]);
            expect(new Set(h.itemsAt(l))).toEqual(new Set(sorted));
            const seen: Item[] = [];
            h.visit(l, (x) => (seen.push(x), seen.length <= stopAfter));
            expect(seen).toEqual(sorted.slice(0, stopAfter + 1));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
