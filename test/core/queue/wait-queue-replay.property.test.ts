import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueuedRequest } from '../../../src/core/model.js';
import { WaitQueue, ahead } from '../../../src/core/queue/wait-queue.js';
import { waitingRequest } from '../../support/waiting-request.js';

// The reads a replay makes of the wait queue (src/core/contention/): inOrder and
// firstFittingExcept must give what a plain walk gives, and must leave the queue answering
// firstFitting as before (they may re-file, never change an answer).

const demand = fc.record({
  types: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1, maxLength: 3 }),
  amounts: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 3, maxLength: 3 }),
  priority: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 }) }),
});
const avail = fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 0, maxLength: 4 });

type Op = { kind: 'add'; d: typeof demand extends fc.Arbitrary<infer T> ? T : never } | { kind: 'remove'; pick: number } | { kind: 'search'; avail: number[]; gone: number[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: demand.map((d) => ({ kind: 'add' as const, d })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('search' as const), avail, gone: fc.array(fc.nat(), { maxLength: 6 }) }) },
);

const fits = (w: QueuedRequest, a: readonly number[]): boolean => w.types.every((t, i) => w.units[i]! <= (a[t] ?? 0));
const ordered = (live: readonly QueuedRequest[]): QueuedRequest[] => [...live].sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));

describe('the wait queue as a replay reads it', () => {
  it('inOrder and firstFittingExcept agree with a plain walk, and firstFitting still does after them', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), (ops) => {
        const q = new WaitQueue();
        let live: QueuedRequest[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const w = waitingRequest(o.d.types, o.d.types.map((_, i) => o.d.amounts[i]!), o.d.priority);
            q.add(w);
            live.push(w);
          } else if (o.kind === 'remove') {
            if (live.length === 0) continue;
            const w = live[o.pick % live.length]!;
            q.remove(w);
            live = live.filter((x) => x !== w);
          } else {
            expect([...q.inOrder()]).toEqual(ordered(live));
            const gone = new Set(o.gone.filter((i) => i < live.length).map((i) => live[i]!));
            const work = { count: 0 };
            const expected = ordered(live).find((w) => !gone.has(w) && fits(w, o.avail));
            expect(q.firstFittingExcept(o.avail, (w) => gone.has(w), work)).toBe(expected);
            expect(q.firstFitting(o.avail)).toBe(ordered(live).find((w) => fits(w, o.avail)));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts its work: the groups and requests it looks at', () => {
    const q = new WaitQueue();
    for (let i = 0; i < 50; i++) q.add(waitingRequest([0], [i + 1]));
    const work = { count: 0 };
    q.firstFittingExcept([10], () => false, work);
    expect(work.count).toBeGreaterThan(0);
  });
});
