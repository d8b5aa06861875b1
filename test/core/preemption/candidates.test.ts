import { describe, expect, it } from 'vitest';
import type { HeldAllocation } from '../../../src/core/model.js';
import { Candidates } from '../../../src/core/preemption/candidates.js';

let serial = 0;

function allocation(priority: number, gpu: number): HeldAllocation {
  serial++;
  return { id: `a${serial}`, serial, src: 'c', msgId: serial, via: 'n', types: [0], units: [gpu], members: undefined, leaseMs: -1, leaseDeadline: -1, tenant: 'c', priority, held: 1, filedById: false, filedBySource: false, account: undefined, hold: undefined };
}

function setUp(): { c: Candidates; live: Set<HeldAllocation>; aside: Set<HeldAllocation> } {
  const live = new Set<HeldAllocation>();
  const aside = new Set<HeldAllocation>();
  return { c: new Candidates((a) => live.has(a), (a) => aside.has(a)), live, aside };
}

describe('Candidates', () => {
  it('lists those below a priority, lowest priority first, then most recent first', () => {
    const { c, live } = setUp();
    const [p1a, p0a, p1b, p0b, p5] = [allocation(1, 1), allocation(0, 1), allocation(1, 1), allocation(0, 1), allocation(5, 1)];
    for (const a of [p1a, p0a, p1b, p0b, p5]) {
      live.add(a);
      c.add(a);
    }
    expect([...c.below(5)]).toEqual([p0b, p0a, p1b, p1a]);
    expect([...c.below(1)]).toEqual([p0b, p0a]);
    expect([...c.below(0)]).toEqual([]);
    expect([...c.below(6)]).toHaveLength(5);
  });

  it('knows at once whether the levels below could cover a shortfall, without those ended or set aside', () => {
    const { c, live, aside } = setUp();
    const [a, b, d] = [allocation(0, 2), allocation(1, 3), allocation(2, 4)];
    for (const x of [a, b, d]) {
      live.add(x);
      c.add(x);
    }
    expect(c.couldCover(2, [0], [5])).toBe(true);
    expect(c.couldCover(2, [0], [6])).toBe(false);
    expect(c.couldCover(2, [0], [0])).toBe(true);
    aside.add(b);
    c.setAside(b);
    expect(c.couldCover(2, [0], [3])).toBe(false);
    expect([...c.below(2)]).toEqual([a]);
    aside.delete(b);
    c.restore(b);
    expect(c.couldCover(2, [0], [5])).toBe(true);
    live.delete(a);
    c.ended(a, true);
    expect(c.couldCover(2, [0], [4])).toBe(false);
    expect([...c.below(3)]).toEqual([b, d]);
  });

  it('drops ended allocations from a level once they are most of it', () => {
    const { c, live } = setUp();
    const all = Array.from({ length: 200 }, () => allocation(0, 1));
    for (const a of all) {
      live.add(a);
      c.add(a);
    }
    for (const a of all.slice(0, 199)) {
      live.delete(a);
      c.ended(a, true);
    }
    expect([...c.below(1)]).toEqual([all[199]]);
    expect(c.couldCover(1, [0], [1])).toBe(true);
    expect(c.couldCover(1, [0], [2])).toBe(false);
  });
});
