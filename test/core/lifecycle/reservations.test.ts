import { describe, expect, it } from 'vitest';
import { Reservations, notAnAllocation } from '../../../src/core/lifecycle/reservations.js';
import type { HeldAllocation } from '../../../src/core/model.js';
import { errorOf } from '../../support/errors.js';

function reservation(id: string): HeldAllocation {
  return { id, serial: 1, src: 'c', msgId: 1, via: 'n', types: [0], units: [1000], members: undefined, leaseMs: -1, leaseDeadline: -1, tenant: 'c', priority: 0, held: 1, filedById: false, filedBySource: false, account: undefined, hold: { ms: 5, deadline: 5 } };
}

describe('Reservations', () => {
  it('counts ids with its own prefix, or takes the program own', () => {
    const counted = new Reservations(10, undefined, 'res-');
    expect([counted.start(), counted.start()]).toEqual([
      [1, 'res-1'],
      [2, 'res-2'],
    ]);
    const own = new Reservations(10, () => 'u', 'res-');
    expect(own.start()).toEqual([1, 'u']);
  });

  it('remembers how each ended, within its bound', () => {
    const r = new Reservations(2, undefined, 'r');
    for (let i = 0; i < 3; i++) r.start();
    r.end(reservation('r1'), 'confirmed', 'a7');
    r.end(reservation('r2'), 'aborted');
    r.end(reservation('r3'), 'expired');
    expect(r.held).toBe(0);
    expect(r.endedOf('r2', undefined)).toMatchObject({ how: 'aborted', units: [1000], allocationId: undefined });
    expect(errorOf(() => r.endedOf('r1', undefined))).toMatchObject({ code: 20, message: 'no reservation "r1"' });
  });

  it('answers a repeat as the first time and refuses a late one', () => {
    const r = new Reservations(10, undefined, 'r');
    const confirmed = r.end(reservation('r1'), 'confirmed', 'a7');
    const aborted = r.end(reservation('r2'), 'aborted');
    const revoked = r.end(reservation('r3'), 'revoked');
    const expired = r.end(reservation('r4'), 'expired');
    expect(Reservations.confirmedAgain(confirmed)).toBe(confirmed);
    expect(Reservations.abortedAgain(aborted)).toBe(aborted);
    expect(Reservations.abortedAgain(revoked)).toBe(revoked);
    expect(errorOf(() => Reservations.confirmedAgain(aborted)).message).toBe('reservation "r2" was aborted');
    expect(errorOf(() => Reservations.confirmedAgain(revoked)).message).toBe('reservation "r3" was aborted by an admin');
    expect(errorOf(() => Reservations.confirmedAgain(expired)).message).toBe('reservation "r4" expired before it was confirmed');
    expect(errorOf(() => Reservations.abortedAgain(expired)).message).toBe('reservation "r4" already expired');
    expect(errorOf(() => Reservations.abortedAgain(confirmed))).toMatchObject({ code: 22, message: 'reservation "r1" was confirmed as "a7": release that allocation instead' });
  });

  it('names a reservation used as an allocation, and the reverse', () => {
    expect(errorOf(() => new Reservations(1, undefined, 'r').endedOf('a1', reservation('a1'))).message).toBe('no reservation "a1" (it is an allocation: release it)');
    expect(errorOf(() => { throw notAnAllocation(reservation('r1')); })).toMatchObject({ code: 20, message: 'no allocation "r1" (it is a reservation: confirm or abort it)' });
  });
});
