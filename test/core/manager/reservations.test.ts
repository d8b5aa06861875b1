import { describe, expect, it } from 'vitest';
import type { OwedEvent } from '../../../src/core/events.js';
import { ResourceManager, type ManagerOptions, type ReserveOutcome } from '../../../src/core/manager.js';
import type { Reservation, ReserveOptions } from '../../../src/core/model.js';
import { MemoryStore } from '../../../src/core/store.js';
import { errorOf } from '../../support/errors.js';

// Two-phase reservations (docs/contention.md#reservations), through the manager's calls.

function manager(extra: Partial<ManagerOptions> = {}) {
  const clock = { now: 0 };
  const store = new MemoryStore();
  const m = new ResourceManager({ capacity: [['cpu', 8], ['gpu', 2]], clock: () => clock.now, idPrefix: 'a', store, ...extra });
  let msgId = 0;
  const gpu = (g: number) => [{ type: 'gpu', amount: g }];
  const reserve = (src: string, g: number, options: Partial<ReserveOptions> = {}): ReserveOutcome =>
    m.reserve({ src, msgId: ++msgId, via: 'n' }, gpu(g), { holdMs: 100, ...options });
  const held = (src: string, g: number, options: Partial<ReserveOptions> = {}): Reservation => {
    const o = reserve(src, g, options);
    if (o.kind !== 'reserved') throw new Error(`expected a reservation for ${src}`);
    return o.reservation;
  };
  const allocate = (src: string, g: number, options = {}) => m.allocate({ src, msgId: ++msgId, via: 'n' }, gpu(g), options);
  const gpuAllocated = () => m.allocatedOf(m.types.indexOf('gpu')) / 1000;
  return { m, clock, store, reserve, held, allocate, gpuAllocated };
}

const kinds = (events: readonly OwedEvent[]) => events.map((e) => `${e.kind} ${'allocation' in e ? e.allocation.id : 'reservation' in e ? e.reservation.id : ''}`);

describe('reserve', () => {
  it('holds what it asks at once when it fits: counted as allocated, not as an allocation', () => {
    const { m, reserve, gpuAllocated } = manager();
    const o = reserve('c', 2, { holdMs: 50 });
    expect(o).toMatchObject({ kind: 'reserved', expiresInMs: 50, reservation: { id: 'r1', src: 'c', hold: { ms: 50, deadline: 50 } } });
    expect(gpuAllocated()).toBe(2);
    expect([m.allocationCount, m.reservationCount, [...m.liveAllocations()].length]).toEqual([0, 1, 0]);
    expect([...m.liveReservations()].map((r) => r.id)).toEqual(['r1']);
    expect(m.reservation('r1')?.id).toBe('r1');
    expect(m.allocation('r1')).toBeUndefined();
  });

  it('waits like an allocate when it does not fit, and is reserved by a drain: its hold starts then', () => {
    const { m, clock, reserve, allocate } = manager();
    const a = allocate('h', 2);
    expect(reserve('c', 1, { holdMs: 30 })).toMatchObject({ kind: 'queued', reason: 'resources', required: 1000 });
    clock.now = 500;
    const { events } = m.release(a.kind === 'granted' ? a.allocation.id : '');
    expect(events).toHaveLength(1);
    const e = events[0]!;
    if (e.kind !== 'reserved') throw new Error('expected reserved');
    expect(e.request?.msgId).toBe(2);
    expect(e.reservation.hold).toEqual({ ms: 30, deadline: 530 });
  });

  it('has no count in status until the first reserve is taken', () => {
    const { m, reserve } = manager();
    expect(m.reservationCount).toBeUndefined();
    expect(() => m.reserve({ src: 'c', msgId: 9, via: 'n' }, [{ type: 'tpu', amount: 1 }], { holdMs: 1 })).toThrow();
    expect(m.reservationCount).toBeUndefined();
    reserve('c', 1);
    expect(m.reservationCount).toBe(1);
  });

  it('counts its own ids apart from allocations; with newId both come from it', () => {
    const { held, allocate } = manager();
    expect(held('c', 1).id).toBe('r1');
    expect(allocate('c', 1)).toMatchObject({ allocation: { id: 'a1' } });
    let n = 0;
    const m = new ResourceManager({ capacity: [['gpu', 2]], clock: () => 0, newId: () => `u${++n}` });
    const r = m.reserve({ src: 'c', msgId: 1, via: 'n' }, [{ type: 'gpu', amount: 1 }], { holdMs: 5 });
    expect(r.kind === 'reserved' && r.reservation.id).toBe('u1');
    expect(m.confirm('u1').allocationId).toBe('u2');
  });

  it('can time out while it waits', () => {
    const { m, clock, reserve, allocate } = manager();
    allocate('h', 2);
    reserve('c', 1, { timeoutMs: 10 });
    clock.now = 10;
    expect(m.advance().map((e) => e.kind)).toEqual(['timed_out']);
    expect(m.waiting).toBe(0);
  });

  it('never preempts, and a reservation is never a victim; once confirmed it is an allocation like any', () => {
    const { m, reserve, held, allocate, gpuAllocated } = manager({ preemption: 'lower-priority' });
    const r = held('low', 1);
    allocate('low', 1);
    // A reserve of the highest priority waits rather than preempt.
    expect(reserve('urgent', 2, { priority: 9 })).toMatchObject({ kind: 'queued', reason: 'resources' });
    m.cancel('urgent', 3);
    // An allocate of higher priority preempts the allocation, never the reservation: 1 gpu is not enough.
    expect(allocate('urgent', 2, { priority: 9 })).toMatchObject({ kind: 'queued', reason: 'resources' });
    m.cancel('urgent', 4);
    expect(gpuAllocated()).toBe(2);
    const c = m.confirm(r.id);
    const o = allocate('urgent', 2, { priority: 9 });
    expect(o.kind).toBe('granted');
    expect(o.events?.map((e) => e.kind === 'preempted' && e.allocation.id)).toContain(c.allocationId);
  });

  it('takes members of a pool, which pass to the allocation at confirm', () => {
    const m = new ResourceManager({ capacity: [], pools: [['robot', ['r1', 'r2']]], clock: () => 0, idPrefix: 'a', reservationIdPrefix: 'res-' });
    const o = m.reserve({ src: 'c', msgId: 1, via: 'n' }, [{ type: 'robot', amount: 1 }], { holdMs: 10 });
    if (o.kind !== 'reserved') throw new Error('expected a reservation');
    expect([...o.reservation.members!.values()]).toEqual([['r1']]);
    expect(m.memberHolders(0)).toEqual([['r1', 'res-1'], ['r2', null]]);
    const c = m.confirm('res-1');
    expect([c.allocationId, [...c.members!.values()]]).toEqual(['a1', [['r1']]]);
    expect(m.memberHolders(0)).toEqual([['r1', 'a1'], ['r2', null]]);
    m.release('a1');
    expect(m.freeMembers(0)).toBe(2);
  });

  it('counts against its tenant: quota, held and dominant share', () => {
    const { m, reserve, held } = manager({ tenants: [['t', { quota: [['gpu', 1]] }]] });
    held('c', 1, { tenant: 't' });
    expect(m.tenantViews()).toEqual([{ name: 't', weight: 1, quota: [[1, 1000]], held: [[1, 1000]], dominantShare: 0.5, queued: 0 }]);
    expect(reserve('d', 1, { tenant: 't' })).toMatchObject({ kind: 'queued', reason: 'quota' });
    expect(errorOf(() => reserve('d', 2, { tenant: 't' })).code).toBe(22);
    m.abort('r1');
    expect(m.tenantViews()![0]!.held).toEqual([[1, 1000]]);
    expect([...m.liveReservations()].map((r) => r.src)).toEqual(['d']);
  });

  it('waits in line under fifo and counts toward the starvation guard like an allocate', () => {
    const fifo = manager({ policy: 'fifo' });
    fifo.allocate('h', 1);
    fifo.allocate('w', 2);
    expect(fifo.reserve('c', 1)).toMatchObject({ kind: 'queued', reason: 'order' });
    const guard = manager({ maxBypass: 0 });
    guard.allocate('h', 1);
    guard.reserve('w', 2);
    expect(guard.reserve('c', 1)).toMatchObject({ kind: 'queued', reason: 'order' });
  });

  it('counts toward the limit of live allocations', () => {
    const { reserve, allocate } = manager({ maxAllocations: 1 });
    reserve('c', 1);
    expect(errorOf(() => allocate('c', 1)).code).toBe(11);
  });

  it('answers a retried request_id with the same reservation and what is left of its hold', () => {
    const { m, clock, reserve, allocate } = manager();
    reserve('c', 1, { requestId: 'k', holdMs: 40 });
    clock.now = 15;
    expect(reserve('c', 1, { requestId: 'k', holdMs: 999 })).toMatchObject({ kind: 'reserved', reservation: { id: 'r1' }, expiresInMs: 25 });
    m.confirm('r1');
    expect(reserve('c', 1, { requestId: 'k' })).toMatchObject({ kind: 'reserved', reservation: { id: 'r1' }, expiresInMs: 0 });
    expect(m.reservationCount).toBe(0);
    expect(errorOf(() => allocate('c', 1, { requestId: 'k' })).message).toBe('request_id "k" was used before for a reserve');
    allocate('c', 1, { requestId: 'j' });
    expect(errorOf(() => reserve('c', 1, { requestId: 'j' })).message).toBe('request_id "j" was used before for an allocate');
  });
});

describe('confirm', () => {
  it('makes the reservation an allocation of the same units in one step, taking the next allocation id', () => {
    const { m, store, held, allocate, gpuAllocated } = manager();
    allocate('h', 1);
    held('c', 1);
    allocate('w', 1);
    const c = m.confirm('r1', undefined, 'c');
    expect(c).toMatchObject({ id: 'r1', src: 'c', how: 'confirmed', allocationId: 'a2' });
    expect(gpuAllocated()).toBe(2);
    expect(m.waiting).toBe(1);
    expect([m.allocationCount, m.reservationCount]).toEqual([2, 0]);
    expect(m.allocation('a2')).toMatchObject({ src: 'c', msgId: 2, tenant: 'c', leaseMs: -1 });
    expect(store.events.at(-1)).toMatchObject({ kind: 'confirmed', reservation: { id: 'r1' }, allocation: { id: 'a2' } });
  });

  it('is answered the same when repeated, and starts a lease when lease_ms is given', () => {
    const { m, clock, held } = manager();
    held('c', 1);
    clock.now = 5;
    const first = m.confirm('r1', 20);
    expect(m.confirm('r1', 999)).toEqual(first);
    expect(m.allocation('a1')).toMatchObject({ leaseMs: 20, leaseDeadline: 25 });
    clock.now = 25;
    expect(kinds(m.advance())).toEqual(['lease_expired a1']);
  });

  it('is refused after expiry (at equality), after an abort, and for ids it never made', () => {
    const { m, clock, held, allocate } = manager();
    held('c', 1, { holdMs: 10 });
    clock.now = 10;
    expect(kinds(m.advance())).toEqual(['reservation_expired r1']);
    expect(errorOf(() => m.confirm('r1')).message).toBe('reservation "r1" expired before it was confirmed');
    held('c', 1);
    m.abort('r2');
    expect(errorOf(() => m.confirm('r2'))).toMatchObject({ code: 22, message: 'reservation "r2" was aborted' });
    expect(errorOf(() => m.confirm('r9'))).toMatchObject({ code: 20, message: 'no reservation "r9"' });
    allocate('c', 1);
    expect(errorOf(() => m.confirm('a1'))).toMatchObject({ code: 20, message: 'no reservation "a1" (it is an allocation: release it)' });
  });

  it('may come only from the holder or an admin', () => {
    const { m, held } = manager({ admins: ['ops'] });
    held('c', 1);
    expect(errorOf(() => m.confirm('r1', undefined, 'x'))).toMatchObject({ code: 22, message: 'reservation "r1" is held by "c": only its holder or an admin may confirm it' });
    expect(m.confirm('r1', undefined, 'ops').allocationId).toBe('a1');
    expect(m.allocation('a1')?.src).toBe('c');
    expect(errorOf(() => m.confirm('r1', undefined, 'x')).message).toBe('reservation "r1" was held by "c": only its holder or an admin may confirm it');
  });
});

describe('abort', () => {
  it('frees the reservation and re-drains; a repeat is answered the same and frees nothing', () => {
    const { m, held, allocate, gpuAllocated } = manager();
    held('c', 2);
    allocate('w', 1);
    const { reservation, events } = m.abort('r1', 'c');
    expect(reservation).toMatchObject({ id: 'r1', how: 'aborted', units: [2000] });
    expect(kinds(events)).toEqual(['granted a1']);
    expect(m.abort('r1', 'c')).toEqual({ reservation, events: [] });
    expect(gpuAllocated()).toBe(1);
  });

  it('is refused after expiry and after a confirm', () => {
    const { m, clock, held } = manager();
    held('c', 1, { holdMs: 5 });
    held('c', 1);
    m.confirm('r2');
    expect(errorOf(() => m.abort('r2'))).toMatchObject({ code: 22, message: 'reservation "r2" was confirmed as "a1": release that allocation instead' });
    clock.now = 5;
    m.advance();
    expect(errorOf(() => m.abort('r1'))).toMatchObject({ code: 22, message: 'reservation "r1" already expired' });
  });

  it('by an admin is told to the holder on its confirm', () => {
    const { m, held } = manager({ admins: ['ops'] });
    held('c', 1);
    expect(errorOf(() => m.abort('r1', 'x')).code).toBe(22);
    expect(m.abort('r1', 'ops').reservation.how).toBe('revoked');
    expect(errorOf(() => m.confirm('r1', undefined, 'c')).message).toBe('reservation "r1" was aborted by an admin');
  });
});

describe('a reservation is not an allocation', () => {
  it('release and renew of its id are 20, and cancel of its reserve says to abort it', () => {
    const { m, held } = manager();
    held('c', 1);
    expect(errorOf(() => m.release('r1'))).toMatchObject({ code: 20, message: 'no allocation "r1" (it is a reservation: confirm or abort it)' });
    expect(errorOf(() => m.renew('r1', 5))).toMatchObject({ code: 20, message: 'no allocation "r1" (it is a reservation: confirm or abort it)' });
    expect(errorOf(() => m.cancel('c', 1))).toMatchObject({ code: 22, message: 'request 1 was already reserved as "r1": abort it instead' });
    m.confirm('r1');
    expect(errorOf(() => m.cancel('c', 1)).message).toBe('request 1 was already granted as "a1": release it instead');
  });

  it('the hint naming what an id is stays once the reservation or allocation has ended', () => {
    const { m, held, allocate } = manager();
    held('c', 1);
    m.abort('r1');
    expect(errorOf(() => m.release('r1'))).toMatchObject({ code: 20, message: 'no allocation "r1" (it is a reservation: confirm or abort it)' });
    expect(errorOf(() => m.renew('r1', 5))).toMatchObject({ code: 20, message: 'no allocation "r1" (it is a reservation: confirm or abort it)' });
    allocate('c', 1);
    m.release('a1');
    expect(errorOf(() => m.confirm('a1'))).toMatchObject({ code: 20, message: 'no reservation "a1" (it is an allocation: release it)' });
    expect(errorOf(() => m.abort('a1'))).toMatchObject({ code: 20, message: 'no reservation "a1" (it is an allocation: release it)' });
  });
});
