import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import type { OwedEvent } from '../../../src/core/events.js';

const cpuMem = (cpu: number, memory: number) => [
  { type: 'cpu', amount: cpu },
  { type: 'memory', amount: memory },
];

/** Tenants of the grants among `events`, in order. */
function grantedTenants(events: readonly OwedEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'granted' ? [e.allocation.tenant] : []));
}

describe('fair share (drf)', () => {
  it("grants the paper's example as DRF does: A three tasks, B two, both dominant shares 2/3", () => {
    const m = new ResourceManager({ capacity: [['cpu', 9], ['memory', 18]], clock: () => 0, policy: 'drf' });
    const all = m.allocate({ src: 'holder', msgId: 1, via: 'n' }, cpuMem(9, 18));
    let msg = 1;
    for (let i = 0; i < 5; i++) {
      m.allocate({ src: 'a', msgId: ++msg, via: 'n' }, cpuMem(1, 4));
      m.allocate({ src: 'b', msgId: ++msg, via: 'n' }, cpuMem(3, 1));
    }
    if (all.kind !== 'granted') throw new Error('the holder should hold everything');
    const { events } = m.release(all.allocation.id);
    const tenants = grantedTenants(events);
    expect(tenants.filter((t) => t === 'a')).toHaveLength(3);
    expect(tenants.filter((t) => t === 'b')).toHaveLength(2);
    const views = new Map(m.tenantViews()!.map((v) => [v.name, v]));
    expect(views.get('a')!.dominantShare).toBeCloseTo(2 / 3, 12);
    expect(views.get('b')!.dominantShare).toBeCloseTo(2 / 3, 12);
    expect(views.get('a')!.queued).toBe(2);
    expect(views.get('b')!.queued).toBe(3);
  });

  it('gives a tenant of weight 2 twice the dominant share of one of weight 1', () => {
    const m = new ResourceManager({ capacity: [['cpu', 12]], clock: () => 0, policy: 'drf', tenants: [['b', { weight: 2 }]] });
    const all = m.allocate({ src: 'holder', msgId: 1, via: 'n' }, [{ type: 'cpu', amount: 12 }]);
    let msg = 1;
    for (let i = 0; i < 12; i++) {
      m.allocate({ src: 'a', msgId: ++msg, via: 'n' }, [{ type: 'cpu', amount: 1 }]);
      m.allocate({ src: 'b', msgId: ++msg, via: 'n' }, [{ type: 'cpu', amount: 1 }]);
    }
    if (all.kind !== 'granted') throw new Error('the holder should hold everything');
    const tenants = grantedTenants(m.release(all.allocation.id).events);
    expect(tenants.filter((t) => t === 'a')).toHaveLength(4);
    expect(tenants.filter((t) => t === 'b')).toHaveLength(8);
  });
});

describe('quotas', () => {
  it('refuses what the quota can never allow, holds what it does not allow now, and grants it when the tenant releases', () => {
    const m = new ResourceManager({ capacity: [['gpu', 8]], clock: () => 0, tenants: [['a', { quota: [['gpu', 2]] }]] });
    const who = (msgId: number) => ({ src: 'a', msgId, via: 'n' });
    expect(() => m.allocate(who(1), [{ type: 'gpu', amount: 3 }])).toThrow('exceeds quota of tenant "a": requested gpu 3, quota gpu 2');
    const first = m.allocate(who(2), [{ type: 'gpu', amount: 2 }]);
    const second = m.allocate(who(3), [{ type: 'gpu', amount: 1 }]);
    expect(second).toMatchObject({ kind: 'queued', reason: 'quota', available: [0], required: 1000 });
    // Others are not held by a's quota.
    expect(m.allocate({ src: 'b', msgId: 4, via: 'n' }, [{ type: 'gpu', amount: 5 }]).kind).toBe('granted');
    if (first.kind !== 'granted') throw new Error('within quota');
    const { events } = m.release(first.allocation.id);
    expect(events.map((e) => e.kind)).toEqual(['granted']);
  });

  it('lowering a quota takes nothing back; removing it grants the waiting', () => {
    const m = new ResourceManager({ capacity: [['gpu', 8]], clock: () => 0 });
    const who = (msgId: number) => ({ src: 'a', msgId, via: 'n' });
    expect(m.allocate(who(1), [{ type: 'gpu', amount: 3 }]).kind).toBe('granted');
    m.setTenant('a', { quota: [['gpu', 1]] });
    expect(m.allocatedOf(0)).toBe(3000);
    expect(m.allocate(who(2), [{ type: 'gpu', amount: 1 }])).toMatchObject({ kind: 'queued', reason: 'quota' });
    const { events } = m.setTenant('a', { quota: [] });
    expect(events.map((e) => e.kind)).toEqual(['granted']);
  });
});
