import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../../src/lib/indexed-heap.js';

interface Item {
  key: number;
  id: number;
  heapIndex: number;
}

const less = (a: Item, b: Item): boolean => (a.key !== b.key ? a.key < b.key : a.id < b.id);

type Op = { kind: 'push'; key: number } | { kind: 'remove'; pick: number } | { kind: 'rekey'; pick: number; key: number } | { kind: 'rekeyAll'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), key: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rekey' as const), pick: fc.nat(), key: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('rekeyAll' as const), key: fc.integer({ min: 0, max: 3 }) }),
);

describe('IndexedHeap', () => {
  it('visits in sorted order, stops when told, and keeps every item where it says, against a sorted array', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.nat({ max: 10 }), (ops, stopAfter) => {
        const heap = new IndexedHeap<Item>(less);
        const live: Item[] = [];
        let ids = 0;
        for (const op of ops) {
          if (op.kind === 'push') {
            const x = { key: op.key, id: ids++, heapIndex: -1 };
            live.push(x);
            heap.push(x);
          } else if (live.length > 0 && op.kind === 'remove') {
            const [x] = live.splice(op.pick % live.length, 1);
            heap.remove(x!);
            expect(x!.heapIndex).toBe(-1);
          } else if (live.length > 0 && op.kind === 'rekey') {
            const x = live[op.pick % live.length]!;
            x.key = op.key;
            heap.update(x);
          } else if (op.kind === 'rekeyAll') {
            for (const x of live) x.key = (x.id * 7 + op.key) % 5;
            heap.heapify();
          }
          const sorted = [...live].sort((a, b) => (less(a, b) ? -1 : 1));
          expect(heap.peek()).toBe(sorted[0]);
          expect(heap.size).toBe(live.length);
          const seen: Item[] = [];
          heap.visitAscending((x) => seen.push(x) < stopAfter);
          // The first item is visited before `visit` can say stop.
          expect(seen).toEqual(sorted.slice(0, Math.max(1, stopAfter)));
          for (const x of live) expect(heap.unordered()[x.heapIndex]).toBe(x);
        }
      }),
      { numRuns: 300 },
    );
  });
});
