import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import type { Allocation } from '../../../src/core/model.js';
import { codeOf } from '../../support/errors.js';

function manager(prefix = 'a'): ResourceManager {
  let n = 0;
  return new ResourceManager({ capacity: [['gpu', 1]], clock: () => 0, newId: () => `${prefix}${++n}` });
}

function granted(m: ResourceManager, msgId: number): Allocation {
  const o = m.allocate({ src: 'c', msgId, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
  if (o.kind !== 'granted') throw new Error('expected a grant');
  return o.allocation;
}

describe('releasing an allocation as itself', () => {
  it('answers as a release by id does: the grant it makes, then the retry, then a lease-less renew', () => {
    const m = manager();
    const a = granted(m, 1);
    expect(m.allocate({ src: 'd', msgId: 2, via: 'n' }, [{ type: 'gpu', amount: 1 }]).kind).toBe('queued');
    const first = m.release(a);
    expect(first.allocation).toBe(a);
    expect(first.events.map((e) => e.kind === 'granted' && [e.allocation.id, e.allocation.src])).toEqual([['a2', 'd']]);
    // Retried, by itself or by id: the same answer, and nothing freed twice.
    for (const again of [m.release(a), m.release('a1')]) {
      expect(again.allocation).toMatchObject({ id: 'a1', how: 'released' });
      expect(again.events).toEqual([]);
    }
    expect(m.freeOf(0)).toBe(0);
    expect(codeOf(() => m.renew(a, 10))).toBe(22);
  });

  it('goes by id for an allocation some other manager granted', () => {
    const m = manager();
    const other = manager();
    const mine = granted(m, 1);
    const theirs = granted(other, 1);
    // Same id, other manager: this manager's a1 is released, never theirs.
    expect(theirs.id).toBe(mine.id);
    expect(m.release(theirs).allocation).toBe(mine);
    expect(other.allocation(theirs.id)).toBe(theirs);
    const stranger = granted(manager('x'), 1);
    expect(codeOf(() => m.release(stranger))).toBe(20);
  });

  it('renews by itself as by id', () => {
    let now = 0;
    let n = 0;
    const m = new ResourceManager({ capacity: [['gpu', 1]], clock: () => now, newId: () => `a${++n}` });
    const o = m.allocate({ src: 'c', msgId: 1, via: 'n' }, [{ type: 'gpu', amount: 1 }], { leaseMs: 100 });
    if (o.kind !== 'granted') throw new Error('expected a grant');
    now = 90;
    expect(m.renew(o.allocation).leaseDeadline).toBe(190);
    now = 150;
    expect(m.advance()).toEqual([]);
    now = 190;
    expect(m.advance().map((e) => e.kind)).toEqual(['lease_expired']);
    expect(codeOf(() => m.release(o.allocation))).toBe(22);
  });
});

describe('cancel finds requests filed only when asked', () => {
  it('finds a waiting request, says granted for a live one, and forgets one granted and released', () => {
    const m = manager();
    const a = granted(m, 1);
    m.allocate({ src: 'c', msgId: 2, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
    m.allocate({ src: 'c', msgId: 3, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
    // Files everything so far, then 2 is granted and released after the filing.
    expect(m.cancel('c', 3).request.msgId).toBe(3);
    const [grant] = m.release(a).events;
    expect(grant?.kind === 'granted' && grant.allocation.msgId).toBe(2);
    expect(codeOf(() => m.cancel('c', 2))).toBe(22);
    m.release('a2');
    expect(codeOf(() => m.cancel('c', 2))).toBe(20);
    expect(codeOf(() => m.cancel('c', 1))).toBe(20);
  });

  it('forgets a filed request that was granted and released before the next cancel', () => {
    const m = manager();
    const a = granted(m, 1);
    m.allocate({ src: 'c', msgId: 2, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
    // A cancel files request 2 while it waits.
    expect(codeOf(() => m.cancel('c', 9))).toBe(20);
    m.release(a);
    m.release('a2');
    expect(codeOf(() => m.cancel('c', 2))).toBe(20);
    expect(m.waiting).toBe(0);
  });

  it('finds the latest request under a msg_id a client used twice', () => {
    const m = manager();
    granted(m, 1);
    const first = m.allocate({ src: 'c', msgId: 7, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
    const second = m.allocate({ src: 'c', msgId: 7, via: 'n' }, [{ type: 'gpu', amount: 1 }]);
    expect(first.kind === 'queued' && second.kind === 'queued').toBe(true);
    expect(m.cancel('c', 7).request).toBe(second.kind === 'queued' ? second.request : undefined);
  });
});

describe('default ids', () => {
  it('counts a1, a2, ... per manager', () => {
    const m = new ResourceManager({ capacity: [['gpu', 100]], clock: () => 0 });
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++) ids.push(granted(m, i).id);
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `a${i + 1}`));
    // Another manager counts on its own.
    expect(granted(new ResourceManager({ capacity: [['gpu', 1]], clock: () => 0 }), 1).id).toBe('a1');
  });

  it('counts after idPrefix, numbers each allocation by serial, and answers a retried release by id from the count', () => {
    const m = new ResourceManager({ capacity: [['gpu', 1]], clock: () => 0, idPrefix: 'job-', remember: 3 });
    const all: Allocation[] = [];
    for (let i = 1; i <= 5; i++) {
      const a = granted(m, i);
      expect([a.id, a.serial]).toEqual([`job-${i}`, i]);
      m.release(i % 2 === 0 ? a.id : a);
      all.push(a);
    }
    // The last three ended are remembered, whichever way they were released.
    for (const a of all.slice(2)) expect(m.release(a.id).allocation).toMatchObject({ id: a.id, how: 'released', units: [1000] });
    for (const id of ['job-1', 'job-2', 'job-03', 'job-6', 'a3', 'job-3x']) expect(codeOf(() => m.release(id))).toBe(20);
  });

  it('numbers allocations by serial with ids of the program\'s own too', () => {
    const m = manager('u');
    expect([granted(m, 1), (m.release('u1'), granted(m, 2))].map((a) => [a.id, a.serial])).toEqual([
      ['u1', 1],
      ['u2', 2],
    ]);
  });
});
