import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import { errorOf } from '../../support/errors.js';

// Only the holder (the allocate's src) may release or renew an allocation, or an admin;
// a release or renew that does not say who asks (the library's own use) is not checked.

const gpu = [{ type: 'gpu', amount: 1 }];

function manager(options: { admins?: string[]; remember?: number; counted?: boolean } = {}) {
  const clock = { now: 0 };
  let n = 0;
  const ids = options.counted === false ? { newId: () => `u${++n}` } : { idPrefix: 'a' };
  const m = new ResourceManager({ capacity: [['gpu', 2]], clock: () => clock.now, admins: options.admins, remember: options.remember, ...ids });
  const take = (src: string, leaseMs?: number): string => {
    const o = m.allocate({ src, msgId: 1, via: 'n' }, gpu, leaseMs === undefined ? undefined : { leaseMs });
    if (o.kind !== 'granted') throw new Error('expected a grant');
    return o.allocation.id;
  };
  return { m, clock, take };
}

describe('who may release and renew an allocation', () => {
  it('a stranger may neither release nor renew a live allocation, and it stays held', () => {
    const { m, take } = manager();
    const id = take('c1', 100);
    const release = errorOf(() => m.release(id, 'completed', 'c2'));
    expect([release.code, release.message]).toEqual([22, 'allocation "a1" is held by "c1": only its holder may release it']);
    const renew = errorOf(() => m.renew(id, 50, 'c2'));
    expect([renew.code, renew.message]).toEqual([22, 'allocation "a1" is held by "c1": only its holder may renew it']);
    expect([m.allocationCount, m.allocation(id)?.leaseMs, m.jobStatusCounts().size]).toEqual([1, 100, 0]);
    expect(m.renew(id, 50, 'c1').leaseMs).toBe(50);
    expect(m.release(id, undefined, 'c1').allocation.id).toBe(id);
  });

  it('a stranger cannot learn "released" for an allocation that ended, with either kind of id', () => {
    for (const counted of [true, false]) {
      const { m, take } = manager({ counted });
      const id = take('c1');
      m.release(id, undefined, 'c1');
      expect(m.release(id, undefined, 'c1').allocation).toMatchObject({ id, src: 'c1', how: 'released' });
      expect(errorOf(() => m.release(id, undefined, 'c2')).message).toBe(`allocation "${id}" was held by "c1": only its holder may release it`);
      expect(errorOf(() => m.renew(id, 5, 'c2')).message).toBe(`allocation "${id}" was held by "c1": only its holder may renew it`);
      expect(errorOf(() => m.renew(id, 5, 'c1')).message).toBe(`allocation "${id}" was already released`);
    }
  });

  it('checks the holder before saying how an allocation ended', () => {
    const { m, clock, take } = manager();
    const id = take('c1', 10);
    clock.now = 10;
    expect(m.advance().map((e) => e.kind)).toEqual(['lease_expired']);
    expect(errorOf(() => m.release(id, undefined, 'c2')).message).toBe('allocation "a1" was held by "c1": only its holder may release it');
    expect(errorOf(() => m.release(id, undefined, 'c1')).message).toBe('allocation "a1" was reclaimed when its lease expired');
  });

  it('checks nothing when the caller does not say who asks', () => {
    const { m, take } = manager();
    const id = take('c1');
    expect(m.renew(id, 5).leaseMs).toBe(5);
    expect(m.release(id).allocation.id).toBe(id);
    expect(m.release(id).allocation).toMatchObject({ id, how: 'released' });
  });

  it('an admin may release or renew any allocation; its holder is then told, not answered as a retry', () => {
    const { m, take } = manager({ admins: ['ops'] });
    const mine = take('ops');
    const id = take('c1');
    const queued = m.allocate({ src: 'c2', msgId: 1, via: 'n' }, gpu);
    expect(queued.kind).toBe('queued');
    expect(errorOf(() => m.release(id, undefined, 'c2')).message).toBe('allocation "a2" is held by "c1": only its holder or an admin may release it');
    expect(m.renew(id, 30, 'ops').leaseMs).toBe(30);
    const { events } = m.release(id, 'preempted', 'ops');
    expect(events.map((e) => e.kind)).toEqual(['granted']);
    const revoked = errorOf(() => m.release(id, undefined, 'c1'));
    expect([revoked.code, revoked.message]).toEqual([22, 'allocation "a2" was released by an admin, not by its holder']);
    expect(errorOf(() => m.renew(id, 5, 'c1')).message).toBe('allocation "a2" was already released by an admin');
    // The admin's retry, and the library's unchecked call, are answered as retries.
    expect(m.release(id, undefined, 'ops').allocation).toMatchObject({ id, how: 'revoked' });
    expect(m.release(id).allocation).toMatchObject({ id, how: 'revoked' });
    // An admin's own allocation, released by the admin, is an ordinary release.
    m.release(mine, undefined, 'ops');
    expect(m.release(mine, undefined, 'ops').allocation).toMatchObject({ id: mine, src: 'ops', how: 'released' });
    expect(Object.fromEntries(m.jobStatusCounts())).toEqual({ preempted: 1 });
  });

  it('forgets the holder with the allocation: memory stays bounded by remember', () => {
    const { m, take } = manager({ remember: 2 });
    const ids = [take('c1'), take('c2')];
    for (const id of ids) m.release(id, undefined, id === 'a1' ? 'c1' : 'c2');
    for (let i = 0; i < 2; i++) m.release(take('c3'), undefined, 'c3');
    // a1 and a2 are forgotten: 20 for anyone, as for an id never issued.
    expect(errorOf(() => m.release('a1', undefined, 'c1')).code).toBe(20);
    expect(errorOf(() => m.release('a2', undefined, 'c9')).code).toBe(20);
    expect(errorOf(() => m.release('a4', undefined, 'c1')).message).toBe('allocation "a4" was held by "c3": only its holder may release it');
  });
});
