import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DemandGroups, DemandScratch, mixDemand } from '../../../src/core/contention/demands.js';
import { waitingRequest } from '../../support/waiting-request.js';

const hashOf = (types: number[], units: number[]) => types.reduce((h, t, i) => mixDemand(h, t, units[i]!), types.length);

describe('DemandGroups', () => {
  it('groups the same demand in any order, counts it, and names it in its first arrival\'s order', () => {
    const g = new DemandGroups(new DemandScratch(), 10);
    const a = waitingRequest([0, 1], [2000, 4000]);
    const b = waitingRequest([1, 0], [4000, 2000]);
    const c = waitingRequest([0], [1000]);
    for (const w of [b, c, a]) g.add(w, hashOf([...w.types], [...w.units]));
    expect(g.top(20)).toEqual([
      { types: [0, 1], units: [2000, 4000], count: 2 },
      { types: [0], units: [1000], count: 1 },
    ]);
  });

  it('counts a request of the same shape as the one before in that one\'s group, found or made', () => {
    const g = new DemandGroups(new DemandScratch(), 10);
    const types = [0];
    const three = [3000];
    const one = [1000];
    // Shapes are shared arrays (a queue group's types too): the 2nd "three" is found (not made), and the 3rd follows it.
    for (const units of [three, one, three, three, one]) g.add(waitingRequest(types, units), hashOf(types, units));
    expect(g.top(20).map((d) => [d.units[0], d.count])).toEqual([
      [3000, 3],
      [1000, 2],
    ]);
  });

  it('agrees with a plain count over any sequence of a few shapes, shared arrays or not, in any order of their demands', () => {
    // As the queue hands them: shapes share arrays, and so do the requests of one group.
    const shapes: [number[], number[]][] = [
      [[0], [3000]],
      [[0], [1000]],
      [[0, 1], [1000, 2000]],
      [[1, 0], [2000, 1000]],
      [[1], [2000]],
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(shapes.length - 1), fc.boolean()), { maxLength: 60 }), fc.nat(40), (picks, limit) => {
        const g = new DemandGroups(new DemandScratch(), picks.length);
        const ws = picks.map(([k, copy]) => {
          const [types, units] = shapes[k]!;
          return waitingRequest(copy ? [...types] : types, copy ? [...units] : units);
        });
        for (const w of ws) g.add(w, hashOf([...w.types], [...w.units]));
        const key = (t: readonly number[], u: readonly number[]) => t.map((x, i) => `${x}:${u[i]}`).sort().join();
        const model = new Map<string, { first: (typeof ws)[number]; count: number }>();
        for (const w of ws) {
          const m = model.get(key(w.types, w.units));
          if (m === undefined) model.set(key(w.types, w.units), { first: w, count: 1 });
          else m.count++;
        }
        const expected = [...model.values()].sort((a, b) => b.count - a.count || a.first.seq - b.first.seq).slice(0, limit);
        expect(g.top(limit).map((d) => [key(d.types, d.units), d.count])).toEqual(expected.map((m) => [key(m.first.types, m.first.units), m.count]));
      }),
      { numRuns: 500 },
    );
  });

  it('the hash does not depend on the order of the demands', () => {
    expect(hashOf([0, 1, 2], [5, 6, 7])).toBe(hashOf([2, 0, 1], [7, 5, 6]));
  });

  it('tells demands apart whose hashes are equal', () => {
    const g = new DemandGroups(new DemandScratch(), 10);
    for (const w of [waitingRequest([0], [1000]), waitingRequest([1], [1000]), waitingRequest([0], [1000])]) g.add(w, 42);
    expect(g.top(20).map((d) => [d.types, d.count])).toEqual([
      [[0], 2],
      [[1], 1],
    ]);
  });

  it('keeps the largest counts, then the earliest arrivals, up to the limit; a scratch serves many calls', () => {
    const scratch = new DemandScratch();
    for (let round = 0; round < 2; round++) {
      const g = new DemandGroups(scratch, 30);
      const ws = Array.from({ length: 25 }, (_, i) => waitingRequest([0], [(i + 1) * 1000]));
      ws.push(waitingRequest([0], [25_000]));
      for (const w of ws.slice().reverse()) g.add(w, hashOf([...w.types], [...w.units]));
      const top = g.top(20);
      expect(top.length).toBe(20);
      expect(top[0]).toEqual({ types: [0], units: [25_000], count: 2 });
      expect(top.slice(1).map((d) => d.units[0])).toEqual(Array.from({ length: 19 }, (_, i) => (i + 1) * 1000));
    }
  });
});
