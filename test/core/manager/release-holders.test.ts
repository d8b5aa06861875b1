import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import { MemoryStore } from '../../../src/core/store.js';
import { errorOf } from '../../support/errors.js';

const gpu = (amount: number) => [{ type: 'gpu', amount }];
const who = (src: string, msgId: number) => ({ src, msgId, via: 'n' });

function manager(store?: MemoryStore): ResourceManager {
  return new ResourceManager({ capacity: [['gpu', 4]], clock: () => 0, idPrefix: 'a', ...(store === undefined ? {} : { store }) });
}

describe('releaseHolders', () => {
  it('ends what the clients hold, withdraws what they wait for, then grants others once', () => {
    const m = manager();
    m.allocate(who('c1', 1), gpu(3));
    m.allocate(who('c1', 2), gpu(4));
    m.allocate(who('c2', 1), gpu(2));
    m.allocate(who('c3', 1), gpu(2));
    const r = m.releaseHolders(['c1', 'c2'], 'disconnected');
    expect([r.ended, r.withdrawn]).toEqual([1, 2]);
    // c1's own waiting request for 4 is never granted on the way.
    expect(r.events.map((e) => (e.kind === 'granted' ? e.allocation.src : e.kind))).toEqual(['c3']);
    expect(m.jobStatusCounts().get('disconnected')).toBe(1);
    expect([m.allocationCount, m.waiting, m.freeOf(0)]).toEqual([1, 0, 2 * 1000]);
    expect(errorOf(() => m.cancel('c1', 2)).code).toBe(20);
  });

  it('aborts the clients\' reservations and leaves other clients alone', () => {
    const m = manager();
    m.reserve(who('c1', 1), gpu(1), { holdMs: 1000 });
    m.allocate(who('c2', 1), gpu(1));
    const r = m.releaseHolders(['c1'], 'disconnected');
    expect([r.ended, r.withdrawn, r.events]).toEqual([1, 0, []]);
    expect(m.reservationCount).toBe(0);
    expect(m.allocationCount).toBe(1);
  });

  it('changes nothing for a client with nothing, and records what it ends', () => {
    const store = new MemoryStore();
    const m = manager(store);
    expect(m.releaseHolders(['nobody'], 'disconnected')).toEqual({ ended: 0, withdrawn: 0, events: [] });
    m.allocate(who('c1', 1), gpu(1));
    m.allocate(who('c1', 2), gpu(4));
    m.releaseHolders(['c1'], 'disconnected');
    expect(store.events.slice(-2).map((e) => e.kind)).toEqual(['released', 'cancelled']);
  });
});
