import { describe, expect, it } from 'vitest';
import { Lanes } from '../../../src/core/tenants/lanes.js';
import { Tenant } from '../../../src/core/tenants/tenants.js';
import { waitingRequest } from '../../support/waiting-request.js';

/** Lanes whose shares are set by hand. */
/** Tenant names of the lanes of `priority`, lowest rank key first. */
function order(lanes: Lanes, priority = 0): string[] {
  const names: string[] = [];
  lanes.visitAt(priority, (lane) => names.push(lane.tenant.name) > 0);
  return names;
}

function lanesWithShares(): { lanes: Lanes; shares: Map<Tenant, number> } {
  const shares = new Map<Tenant, number>();
  return { lanes: new Lanes((t) => shares.get(t) ?? 0), shares };
}

describe('Lanes', () => {
  it('orders the lanes of a priority by share, then by first arrival', () => {
    const { lanes, shares } = lanesWithShares();
    const [a, b, c] = [new Tenant('a'), new Tenant('b'), new Tenant('c')];
    shares.set(a, 0.5).set(b, 0.25).set(c, 0.25);
    lanes.add(waitingRequest([0], [1]), a);
    lanes.add(waitingRequest([0], [1]), c);
    lanes.add(waitingRequest([0], [1]), b);
    expect(order(lanes)).toEqual(['c', 'b', 'a']);
    shares.set(c, 0.75);
    lanes.shareChanged(c);
    expect(order(lanes)).toEqual(['b', 'a', 'c']);
  });

  it('keeps priorities highest first and drops a lane when its last request leaves', () => {
    const { lanes } = lanesWithShares();
    const t = new Tenant('t');
    const low = waitingRequest([0], [1], -1);
    const high = waitingRequest([0], [1], 5);
    lanes.add(low, t);
    lanes.add(high, t);
    expect([...lanes.prioritiesFrom(Infinity)]).toEqual([5, -1]);
    expect(lanes.highest()).toBe(5);
    lanes.remove(high);
    expect([...lanes.prioritiesFrom(Infinity)]).toEqual([-1]);
    lanes.remove(low);
    expect(lanes.highest()).toBeUndefined();
    expect(lanes.leastAt(-1)).toBeUndefined();
  });

  it('refiles a lane under its next arrival when its first request leaves', () => {
    const { lanes } = lanesWithShares();
    const [a, b] = [new Tenant('a'), new Tenant('b')];
    const a1 = waitingRequest([0], [1]);
    const b1 = waitingRequest([0], [1]);
    const a2 = waitingRequest([0], [1]);
    lanes.add(a1, a);
    lanes.add(b1, b);
    lanes.add(a2, a);
    expect(order(lanes)).toEqual(['a', 'b']);
    lanes.remove(a1);
    expect(order(lanes)).toEqual(['b', 'a']);
    expect(lanes.leastAt(0)!.first()).toBe(b1);
    const seqs: number[] = [];
    lanes.visitAt(0, (lane) => seqs.push(lane.seq) > 0);
    expect(seqs).toEqual([b1.seq, a2.seq]);
  });

  it('finds the earliest request that fits a room, and remembers a room in which nothing does until a request joins', () => {
    const { lanes } = lanesWithShares();
    const t = new Tenant('t');
    const big = waitingRequest([0], [5000]);
    const small = waitingRequest([0], [2000]);
    lanes.add(big, t);
    lanes.add(small, t);
    const lane = lanes.leastAt(0)!;
    expect(lane.firstFitting([3000])).toBe(small);
    expect(lane.firstFitting([6000])).toBe(big);
    lanes.remove(small);
    expect(lane.firstFitting([3000])).toBeUndefined();
    // Remembered: nothing fits 3000, so nothing fits less.
    expect(lane.firstFitting([1000])).toBeUndefined();
    const tiny = waitingRequest([0], [500]);
    lanes.add(tiny, t);
    expect(lane.firstFitting([1000])).toBe(tiny);
  });

  it('keeps memory bounded when requests leave from the middle', () => {
    const { lanes } = lanesWithShares();
    const t = new Tenant('t');
    const head = waitingRequest([0], [1]);
    lanes.add(head, t);
    for (let i = 0; i < 10_000; i++) {
      const w = waitingRequest([0], [1]);
      lanes.add(w, t);
      lanes.remove(w);
    }
    const lane = lanes.leastAt(0)!;
    expect(lane.items.length).toBeLessThan(40);
    expect(lane.first()).toBe(head);
  });
});
