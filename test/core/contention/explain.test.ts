import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import { ResourceManager, type ManagerOptions } from '../../../src/core/manager.js';
import type { AllocateOptions } from '../../../src/core/model.js';

function setUp(capacity: [string, number][], options: Partial<ManagerOptions> = {}) {
  const clock = { now: 0 };
  const m = new ResourceManager({ capacity, clock: () => clock.now, idPrefix: 'a', ...options });
  let msgId = 0;
  const ask = (src: string, req: Record<string, number>, o?: AllocateOptions) => {
    const who = { src, msgId: ++msgId, via: 'n' };
    const outcome = m.allocate(who, Object.entries(req).map(([type, amount]) => ({ type, amount })), o);
    return { ...who, outcome };
  };
  return { m, clock, ask };
}

describe('explain', () => {
  it('replays the requests behind it too: one granted first can keep one in front from taking its room', () => {
    // With A and T only, A takes all 4 cpu at 20 and T waits for ever; B, behind T, takes a cpu
    // at 10, so at 20 A does not fit and T (2 cpu) does. Leaving B out would say null.
    const { m, ask } = setUp([['cpu', 4]]);
    ask('h1', { cpu: 1 }, { leaseMs: 10 });
    ask('h2', { cpu: 3 }, { leaseMs: 20 });
    ask('A', { cpu: 4 });
    const t = ask('T', { cpu: 2 });
    ask('B', { cpu: 1 });
    const e = m.explain('T', t.msgId);
    expect([e.position, e.reason, e.estimatedStartMs, e.estimateExact]).toEqual([2, 'resources', 20, true]);
  });

  it('says how long it waited, what it lacks, and who holds it, soonest lease first and unleased last', () => {
    const { m, clock, ask } = setUp([['cpu', 8], ['gpu', 2]]);
    ask('a', { cpu: 2 });
    ask('b', { gpu: 1 }, { leaseMs: 50 });
    ask('c', { gpu: 1, cpu: 1 }, { leaseMs: 30 });
    clock.now = 5;
    const w = ask('w', { cpu: 6, gpu: 2 });
    clock.now = 12;
    const e = m.explain('w', w.msgId);
    expect(e.waitedMs).toBe(7);
    expect(e.short).toEqual([
      [0, 1000],
      [1, 2000],
    ]);
    expect(e.blockers.map((b) => [b.allocation.id, b.leaseLeftMs])).toEqual([
      ['a3', 18],
      ['a2', 38],
      ['a1', null],
    ]);
    expect(e.estimatedStartMs).toBe(38);
  });

  it('for a waiting reserve, and behind unconfirmed reservations: each ends when its hold runs out', () => {
    const { m, clock } = setUp([['gpu', 2]]);
    const reserve = (src: string, msgId: number, gpu: number, holdMs: number) => m.reserve({ src, msgId, via: 'n' }, [{ type: 'gpu', amount: gpu }], { holdMs });
    // Made first, so a reservation and an allocation share serial 1 and end together at 40.
    reserve('r', 1, 1, 40);
    m.allocate({ src: 'h', msgId: 1, via: 'n' }, [{ type: 'gpu', amount: 1 }], { leaseMs: 40 });
    clock.now = 10;
    const w = reserve('w', 1, 2, 15);
    expect(w.kind).toBe('queued');
    const x = m.allocate({ src: 'x', msgId: 1, via: 'n' }, [{ type: 'gpu', amount: 2 }]);
    expect(x.kind).toBe('queued');
    const e = m.explain('w', 1);
    // At one end time an allocation is listed before a reservation, whatever their serials.
    expect(e.blockers.map((b) => [b.allocation.id, b.leaseLeftMs])).toEqual([['a1', 30], ['r1', 30]]);
    expect([e.reason, e.estimatedStartMs, e.estimateExact]).toEqual(['resources', 30, true]);
    // x waits for w's reservation to run out unconfirmed: w is reserved at 40 and held until 55.
    expect([m.explain('x', 1).position, m.explain('x', 1).estimatedStartMs]).toEqual([2, 45]);
  });

  it('lists at most 10 blockers, and none when nothing is short', () => {
    const { m, ask } = setUp([['cpu', 12]]);
    for (let i = 0; i < 12; i++) ask(`h${i}`, { cpu: 1 }, i % 2 === 0 ? { leaseMs: 100 - i } : undefined);
    const w = ask('w', { cpu: 1 });
    const e = m.explain('w', w.msgId);
    expect(e.blockers.map((b) => b.leaseLeftMs)).toEqual([90, 92, 94, 96, 98, 100, null, null, null, null]);
    expect(e.blockers.slice(6).map((b) => b.allocation.id)).toEqual(['a2', 'a4', 'a6', 'a8']);
  });

  it('is null when the grant depends on an allocation without a lease, or can never come', () => {
    const { m, ask } = setUp([['cpu', 4]]);
    ask('h', { cpu: 3 });
    const w = ask('w', { cpu: 2 });
    const big = ask('big', { cpu: 5 });
    expect([m.explain('w', w.msgId).estimatedStartMs, m.explain('w', w.msgId).estimateExact]).toEqual([null, true]);
    expect([m.explain('big', big.msgId).reason, m.explain('big', big.msgId).estimatedStartMs]).toEqual(['infeasible', null]);
  });

  it('gives each reason, the first that applies', () => {
    const { m, ask } = setUp([['cpu', 4], ['gpu', 2]], { tenants: [['q', { quota: [['gpu', 1]] }]], maxBypass: 0 });
    ask('h', { gpu: 1 }, { tenant: 'q', leaseMs: 10 });
    const resources = ask('r', { cpu: 3, gpu: 2 });
    const quota = ask('x', { gpu: 1 }, { tenant: 'q' });
    const reservation = ask('v', { gpu: 1 });
    expect(m.explain('x', quota.msgId).reason).toBe('quota');
    expect(m.explain('r', resources.msgId).reason).toBe('resources');
    // r is the front and reserves gpu 2 from the start (--max-bypass 0): v would fit in what is free.
    expect(m.explain('v', reservation.msgId).reason).toBe('reservation');

    const fifo = setUp([['cpu', 2]], { policy: 'fifo' });
    fifo.ask('h', { cpu: 1 }, { leaseMs: 5 });
    fifo.ask('a', { cpu: 2 }, { leaseMs: 10 });
    const behind = fifo.ask('b', { cpu: 1 });
    // It fits now, but a goes first: a is granted at 5, and b when a's lease ends.
    expect([fifo.m.explain('b', behind.msgId).reason, fifo.m.explain('b', behind.msgId).estimatedStartMs]).toEqual(['priority', 15]);
  });

  it('an estimate equal to the request\'s own timeout: the deadline set first fires first, so either may come', () => {
    const granted = setUp([['gpu', 2]]);
    granted.ask('h', { gpu: 2 }, { leaseMs: 10 });
    const w = granted.ask('w', { gpu: 1 }, { timeoutMs: 10 });
    expect(granted.m.explain('w', w.msgId).estimatedStartMs).toBe(10);
    granted.clock.now = 10;
    // The lease was set before the timeout: it ends first, and the drain grants w.
    expect(granted.m.advance().map((e) => e.kind)).toEqual(['lease_expired', 'granted']);

    const timedOut = setUp([['gpu', 2]]);
    const h = timedOut.ask('h', { gpu: 2 }, { leaseMs: 5 });
    const v = timedOut.ask('v', { gpu: 1 }, { timeoutMs: 10 });
    if (h.outcome.kind !== 'granted') throw new Error('h holds both gpus');
    timedOut.m.renew(h.outcome.allocation.id, 10);
    expect(timedOut.m.explain('v', v.msgId).estimatedStartMs).toBe(10);
    timedOut.clock.now = 10;
    // Renewed after v's timeout was set: v times out first.
    expect(timedOut.m.advance().map((e) => e.kind)).toEqual(['timed_out', 'lease_expired']);
  });

  it('a request held by its quota that is short of free room too: Quota, with that shortfall and its blockers', () => {
    const { m, ask } = setUp([['gpu', 2]], { tenants: [['q', { quota: [['gpu', 1]] }]] });
    ask('a', { gpu: 1 }, { tenant: 'q', leaseMs: 20 });
    ask('b', { gpu: 1 }, { leaseMs: 5 });
    const x = ask('x', { gpu: 1 }, { tenant: 'q' });
    const e = m.explain('x', x.msgId);
    expect([e.reason, e.short, e.blockers.map((b) => b.allocation.id)]).toEqual(['quota', [[0, 1000]], ['a2', 'a1']]);
  });

  it('for a preemptor waiting out a grace: Preempting, what it still lacks, granted when the grace ends at the latest', () => {
    const { m, clock, ask } = setUp([['gpu', 2]], { preemption: 'lower-priority', preemptionGraceMs: 100 });
    ask('a', { gpu: 1 }, { leaseMs: 40 });
    ask('b', { gpu: 1 });
    clock.now = 10;
    const u = ask('u', { gpu: 2 }, { priority: 5 });
    expect(u.outcome.kind).toBe('queued');
    const e = m.explain('u', u.msgId);
    expect([e.reason, e.short, e.estimatedStartMs, e.estimateExact]).toEqual(['preempting', [[0, 2000]], 100, true]);
  });

  it('falls back to a lower bound when the replay runs out of budget', () => {
    const { m, ask } = setUp([['cpu', 4]]);
    ask('h1', { cpu: 1 }, { leaseMs: 10 });
    ask('h2', { cpu: 3 }, { leaseMs: 20 });
    ask('A', { cpu: 4 });
    const t = ask('T', { cpu: 2 });
    ask('B', { cpu: 1 });
    const e = m.explain('T', t.msgId, 0);
    expect(e.estimateExact).toBe(false);
    expect(e.estimatedStartMs).toBeLessThanOrEqual(20);
  });

  it('knows no request that is not waiting (never sent, granted, another client\'s)', () => {
    const { m, ask } = setUp([['cpu', 4]]);
    const granted = ask('a', { cpu: 1 });
    const waiting = ask('b', { cpu: 9 });
    const unknown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CoreError ? `${e.kind}: ${e.message}` : e;
      }
      return 'no error';
    };
    expect(unknown(() => m.explain('a', 99))).toBe('unknown: no waiting request with msgId 99 from "a"');
    expect(unknown(() => m.explain('a', granted.msgId))).toBe('unknown: request 1 from "a" is not waiting: it was granted as "a1"');
    expect(unknown(() => m.explain('a', waiting.msgId))).toBe('unknown: no waiting request with msgId 2 from "a"');
  });

  it('changes nothing: the guard\'s counts and the queue stay as they were', () => {
    const { m, ask } = setUp([['cpu', 4]], { maxBypass: 1 });
    ask('h', { cpu: 4 }, { leaseMs: 10 });
    const a = ask('a', { cpu: 3 });
    ask('b', { cpu: 1 });
    const before = JSON.stringify(m.waitingRequests().map((w) => [w.seq, (w as { bypassed?: number }).bypassed, (w as { reserved?: boolean }).reserved]));
    m.explain('a', a.msgId);
    m.contention();
    expect(JSON.stringify(m.waitingRequests().map((w) => [w.seq, (w as { bypassed?: number }).bypassed, (w as { reserved?: boolean }).reserved]))).toBe(before);
  });
});
