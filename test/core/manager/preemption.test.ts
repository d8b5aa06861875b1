import { describe, expect, it } from 'vitest';
import type { OwedEvent } from '../../../src/core/events.js';
import { ResourceManager, type AllocateOutcome, type ManagerOptions } from '../../../src/core/manager.js';
import type { PolicyName } from '../../../src/core/policy/index.js';
import { MemoryStore } from '../../../src/core/store.js';
import { errorOf } from '../../support/errors.js';

// Preemption of lower priorities (docs/policies.md#preemption), through the manager's calls.

interface Setup {
  gpus?: number;
  graceMs?: number;
  policy?: PolicyName;
  maxBypass?: number;
  maxQueue?: number;
  off?: boolean;
  admins?: string[];
}

function manager(s: Setup = {}) {
  const clock = { now: 0 };
  const store = new MemoryStore();
  const options: ManagerOptions = {
    capacity: [
      ['cpu', 8],
      ['gpu', s.gpus ?? 4],
    ],
    clock: () => clock.now,
    idPrefix: 'a',
    policy: s.policy,
    maxBypass: s.maxBypass,
    maxQueue: s.maxQueue,
    admins: s.admins,
    store,
    ...(s.off === true ? {} : { preemption: 'lower-priority' as const, preemptionGraceMs: s.graceMs ?? 0 }),
  };
  const m = new ResourceManager(options);
  let msgId = 0;
  const ask = (src: string, gpu: number, priority = 0, extra: { timeoutMs?: number; leaseMs?: number; requestId?: string } = {}): AllocateOutcome =>
    m.allocate({ src, msgId: ++msgId, via: 'n' }, [{ type: 'gpu', amount: gpu }], { priority, ...extra });
  /** Allocates and expects a grant: the allocation's id. */
  const take = (src: string, gpu: number, priority = 0, extra: { leaseMs?: number } = {}): string => {
    const o = ask(src, gpu, priority, extra);
    if (o.kind !== 'granted') throw new Error(`expected a grant for ${src}`);
    return o.allocation.id;
  };
  return { m, clock, store, ask, take };
}

/** Each event as `kind allocation-or-request-src`, for short expectations. */
function told(events: readonly OwedEvent[] | undefined): string[] {
  return (events ?? []).map((e) => {
    switch (e.kind) {
      case 'granted':
        return `granted ${e.allocation.id} to ${e.allocation.src}`;
      case 'preempted':
        return `preempted ${e.allocation.id} by ${e.by}`;
      case 'preempt_notice':
        return `notice ${e.allocation.id} ${e.graceMs} ms`;
      case 'timed_out':
        return `timed_out ${e.request.src}`;
      case 'lease_expired':
        return `lease_expired ${e.allocation.id}`;
      case 'job_started':
        return `job_started ${e.job.id}`;
    }
  });
}

const gpuFree = (m: ResourceManager): number => m.freeOf(m.types.indexOf('gpu')) / 1000;

describe('preemption off (the default)', () => {
  it('a request of higher priority that does not fit waits and ends nothing', () => {
    const { m, take, ask } = manager({ off: true });
    take('low', 4);
    const o = ask('high', 2, 9);
    expect([o.kind, o.kind === 'queued' && o.reason, o.events]).toEqual(['queued', 'resources', undefined]);
    expect(m.allocationCount).toBe(1);
  });
});

describe('preemption at once (grace 0)', () => {
  it('ends the victims, grants the request, then tells each victim, lowest priority and newest first', () => {
    const { m, take, ask } = manager();
    const [a, b, c, d] = [take('a', 1, 0), take('b', 1, 1), take('c', 1, 0), take('d', 1, 2)];
    const o = ask('u', 3, 3);
    expect(o.kind).toBe('granted');
    if (o.kind !== 'granted') return;
    expect(o.allocation.id).toBe('a5');
    expect(told(o.events)).toEqual([`preempted ${c} by a5`, `preempted ${a} by a5`, `preempted ${b} by a5`]);
    expect([...m.liveAllocations()].map((x) => x.id)).toEqual([d, 'a5']);
    expect(m.jobStatusCounts().get('preempted')).toBe(3);
  });

  it('spares, in the reverse pass, a victim that a later one makes unneeded', () => {
    const { take, ask } = manager();
    take('low-old', 1, 0);
    const mid = take('mid', 2, 1);
    const lowNew = take('low-new', 1, 0);
    const o = ask('u', 3, 5);
    expect(told(o.events)).toEqual([`preempted ${lowNew} by a4`, `preempted ${mid} by a4`]);
  });

  it('preempts nothing when even every allocation of lower priority would not make room', () => {
    const { m, take, ask } = manager();
    take('low', 1, 0);
    take('peer', 2, 3);
    take('high', 1, 7);
    const o = ask('u', 2, 3);
    expect([o.kind, o.kind === 'queued' && o.reason, o.events]).toEqual(['queued', 'resources', undefined]);
    expect(m.allocationCount).toBe(3);
  });

  it('then drains: room the victims freed beyond the request goes to those waiting', () => {
    const { take, ask } = manager();
    const big = take('big', 4, 0);
    ask('small', 1, 0);
    const o = ask('u', 2, 5);
    expect(told(o.events)).toEqual([`preempted ${big} by a2`, 'granted a3 to small']);
  });

  it('a victim released or renewed afterwards is a conflict naming what preempted it', () => {
    const { m, take, ask } = manager({ admins: ['ops'] });
    const low = take('low', 4, 0, { leaseMs: 50 });
    ask('u', 4, 1);
    const release = errorOf(() => m.release(low, 'completed', 'low'));
    expect([release.code, release.message]).toEqual([22, 'allocation "a1" was preempted by "a2"']);
    expect(errorOf(() => m.release(low, undefined, 'ops')).message).toBe('allocation "a1" was preempted by "a2"');
    expect(errorOf(() => m.renew(low, 10, 'low')).message).toBe('allocation "a1" was already preempted by "a2"');
    expect(errorOf(() => m.release(low, undefined, 'someone')).message).toBe('allocation "a1" was held by "low": only its holder or an admin may release it');
    expect(m.jobStatusCounts().get('completed')).toBeUndefined();
  });

  it('a victim no longer remembered by what preempted it is still refused, without naming it', () => {
    const { m, take, ask } = manager();
    const low = take('low', 4, 0);
    ask('u', 4, 1);
    // Forget which allocation preempted it, as a node that remembered too little would.
    (m as unknown as { ledger: { endedBy: Map<number, string> } }).ledger.endedBy.clear();
    expect(errorOf(() => m.release(low)).message).toBe('allocation "a1" was preempted');
  });

  it('under fifo, a request behind a waiting one preempts nothing; one in front of all does', () => {
    for (const policy of ['fifo', 'backfill'] as const) {
      const { take, ask } = manager({ policy });
      take('top', 3, 2);
      take('low', 1, 0);
      // Nothing below priority 2 could make 2 gpus: it waits.
      expect(ask('waiting', 2, 2).kind).toBe('queued');
      const behind = ask('behind', 1, 1);
      if (policy === 'fifo') {
        expect([behind.kind, behind.events]).toEqual(['queued', undefined]);
        const o = ask('front', 1, 3);
        expect(told(o.events)).toEqual(['preempted a2 by a3']);
      } else {
        expect(told(behind.events)).toEqual(['preempted a2 by a3']);
      }
    }
  });

  it('behind a reserved front, makes room for the front too, which the drain then grants', () => {
    const { m, take, ask } = manager({ gpus: 8, maxBypass: 2 });
    const h = take('h', 4, 5);
    // Nothing below priority 2 is held yet: it waits, and two grants later it reserves.
    expect(ask('front', 5, 2).kind).toBe('queued');
    take('low1', 2, 0);
    take('low2', 2, 0);
    m.release(h);
    // 4 gpus are free but the front holds back 5: u must make 1 + 5 - 4 = 2 by preempting.
    const o = ask('u', 1, 1);
    expect(told(o.events)).toEqual(['preempted a3 by a4', 'granted a5 to front']);
  });
});

describe('preemption after a grace', () => {
  it('tells each victim at once, answers "preempting", and holds the room back while it waits', () => {
    const { m, take, ask } = manager({ graceMs: 100 });
    take('a', 2, 0);
    take('b', 2, 0);
    expect(ask('waiting', 1, 0).kind).toBe('queued');
    const o = ask('u', 3, 5);
    expect(o.kind === 'queued' && [o.reason, o.available, o.required]).toEqual(['preempting', [0], 3000]);
    expect(told(o.events)).toEqual(['notice a2 100 ms', 'notice a1 100 ms']);
    // b releases in time: its room is held for u, not given to the one waiting.
    const r = m.release('a2', 'done');
    expect(told(r.events)).toEqual([]);
    expect(gpuFree(m)).toBe(0);
    expect(ask('newcomer', 1, 0).kind).toBe('queued');
    // a releases in time too: u is granted at once, the leftover gpu drains to the one waiting.
    expect(told(m.release('a1').events)).toEqual(['granted a3 to u', 'granted a4 to waiting']);
    expect(m.jobStatusCounts().get('done')).toBe(1);
    expect(m.jobStatusCounts().get('preempted')).toBeUndefined();
  });

  it('ends victims not released within the grace: the request first, then each victim, with their leases', () => {
    const { m, clock, take, ask } = manager({ graceMs: 100 });
    const a = take('a', 2, 0, { leaseMs: 500 });
    const b = take('b', 2, 0);
    ask('u', 3, 5);
    m.release(b);
    clock.now = 99;
    expect(m.advance()).toEqual([]);
    clock.now = 100;
    expect(told(m.advance())).toEqual(['granted a3 to u', `preempted ${a} by a3`]);
    expect(m.jobStatusCounts().get('preempted')).toBe(1);
    clock.now = 1000;
    expect(m.advance()).toEqual([]);
    expect(m.pendingDeadlines).toBe(0);
  });

  it('drops the preemption when the request is cancelled or times out: the victims keep their allocations', () => {
    for (const how of ['cancel', 'timeout'] as const) {
      const { m, clock, take, ask } = manager({ graceMs: 100 });
      take('a', 2, 0);
      take('b', 2, 0);
      ask('waiting', 1, 0);
      const o = ask('u', 3, 5, { timeoutMs: 50 });
      if (o.kind !== 'queued') throw new Error('expected a wait');
      // b releases in time, and its room is held for u.
      expect(told(m.release('a2').events)).toEqual([]);
      let events: readonly OwedEvent[];
      if (how === 'cancel') events = m.cancel('u', o.request.msgId).events;
      else {
        clock.now = 50;
        events = m.advance();
      }
      // The held room is free again and drains; a keeps its allocation past the grace.
      expect(told(events)).toEqual([...(how === 'timeout' ? ['timed_out u'] : []), 'granted a3 to waiting']);
      clock.now = 200;
      expect(m.advance()).toEqual([]);
      expect([...m.liveAllocations()].map((x) => x.id)).toEqual(['a1', 'a3']);
      expect(gpuFree(m)).toBe(1);
    }
  });

  it('a victim whose lease expires in the grace gives its room to the preemptor', () => {
    const { m, clock, take, ask } = manager({ graceMs: 100 });
    take('a', 4, 0, { leaseMs: 50 });
    ask('waiting', 1, 0);
    ask('u', 2, 5);
    clock.now = 50;
    expect(told(m.advance())).toEqual(['lease_expired a1', 'granted a2 to u', 'granted a3 to waiting']);
  });

  it('a timeout falling due as the grace ends comes first: nothing is preempted', () => {
    const { m, clock, take, ask } = manager({ graceMs: 100 });
    take('a', 4, 0);
    ask('u', 1, 5, { timeoutMs: 100 });
    clock.now = 100;
    expect(told(m.advance())).toEqual(['timed_out u']);
    expect(m.allocationCount).toBe(1);
    expect(gpuFree(m)).toBe(0);
  });

  it('a victim spared is a candidate again; one already told is not chosen twice', () => {
    const { m, clock, take, ask } = manager({ graceMs: 100 });
    take('a', 2, 0);
    take('b', 2, 0);
    const first = ask('u1', 2, 5);
    expect(told(first.events)).toEqual(['notice a2 100 ms']);
    // a2 is already told: the next preemptor takes a1.
    const second = ask('u2', 2, 5);
    expect(told(second.events)).toEqual(['notice a1 100 ms']);
    // Nothing is left to preempt for a third.
    const third = ask('u3', 1, 5);
    expect([third.kind === 'queued' && third.reason, third.events]).toEqual(['resources', undefined]);
    if (first.kind !== 'queued') return;
    m.cancel('u1', first.request.msgId);
    clock.now = 100;
    expect(told(m.advance())).toEqual(['granted a3 to u2', 'preempted a1 by a3']);
    // a2, spared when u1 left, is a candidate again; u3, still waiting, does not take it:
    // preemption is considered only when a request arrives. A new one does.
    expect([...m.liveAllocations()].map((x) => x.id)).toEqual(['a2', 'a3']);
    const fourth = ask('u4', 2, 5);
    expect(told(fourth.events)).toEqual(['notice a2 100 ms']);
  });

  it('is granted as soon as it fits: when capacity grows, the victims still held are spared', () => {
    const { m, clock, take, ask } = manager({ graceMs: 100 });
    take('a', 2, 0);
    take('b', 2, 0);
    ask('u', 3, 5);
    expect(told(m.setCapacity([['gpu', 7]]))).toEqual(['granted a3 to u']);
    clock.now = 100;
    expect(m.advance()).toEqual([]);
    expect([...m.liveAllocations()].map((x) => x.id)).toEqual(['a1', 'a2', 'a3']);
    expect(gpuFree(m)).toBe(0);
  });

  it('a full queue refuses the preemptor before any victim is told', () => {
    const { m, take, ask } = manager({ graceMs: 100, maxQueue: 1 });
    take('a', 4, 0);
    ask('waiting', 1, 0);
    expect(errorOf(() => ask('u', 2, 5)).code).toBe(11);
    expect(m.allocationCount).toBe(1);
    expect(gpuFree(m)).toBe(0);
    expect(m.waiting).toBe(1);
  });

  it('a retried request_id of a preemptor still says "preempting"', () => {
    const { take, ask } = manager({ graceMs: 100 });
    take('a', 4, 0);
    expect(told(ask('u', 2, 5, { requestId: 'k' }).events)).toEqual(['notice a1 100 ms']);
    const again = ask('u', 2, 5, { requestId: 'k' });
    expect([again.kind === 'queued' && again.reason, again.events]).toEqual(['preempting', undefined]);
  });

  it('status counts the room held back as allocated, so allocated + free = capacity', () => {
    const { m, take, ask } = manager({ graceMs: 100 });
    take('a', 2, 0);
    take('b', 2, 0);
    ask('u', 3, 5);
    m.release('a2');
    const gpu = m.types.indexOf('gpu');
    expect([m.capacityOf(gpu), m.allocatedOf(gpu), m.freeOf(gpu)]).toEqual([4000, 4000, 0]);
  });
});

describe('preemption with tenants', () => {
  const who = (src: string, msgId: number) => ({ src, msgId, via: 'n' });
  const gpu = (amount: number) => [{ type: 'gpu', amount }];

  it('a request held by its own quota preempts nothing; one within its quota preempts and is counted against it', () => {
    const m = new ResourceManager({ capacity: [['gpu', 2]], clock: () => 0, preemption: 'lower-priority', tenants: [['a', { quota: [['gpu', 1]] }]] });
    expect(m.allocate(who('low', 1), gpu(2)).kind).toBe('granted');
    // Within its quota: it preempts low's 2 gpus.
    const first = m.allocate(who('a', 2), gpu(1), { priority: 5 });
    expect(first.kind === 'granted' ? first.events?.map((e) => e.kind) : first.kind).toEqual(['preempted']);
    expect(m.allocate(who('b', 3), gpu(1)).kind).toBe('granted');
    // Held by its quota of 1: it preempts nothing, though b's allocation is of lower priority.
    expect(m.allocate(who('a', 4), gpu(1), { priority: 5 })).toMatchObject({ kind: 'queued', reason: 'quota' });
    expect(m.allocationCount).toBe(2);
    const views = new Map(m.tenantViews()!.map((v) => [v.name, v]));
    expect(views.get('a')!.held).toEqual([[0, 1000]]);
  });

  it('under drf, a preemptor of higher priority ends the lowest-priority newest allocation, and the tenants\' holdings follow', () => {
    const m = new ResourceManager({ capacity: [['gpu', 2]], clock: () => 0, policy: 'drf', preemption: 'lower-priority' });
    expect(m.allocate(who('x', 1), gpu(1)).kind).toBe('granted');
    expect(m.allocate(who('y', 2), gpu(1)).kind).toBe('granted');
    const urgent = m.allocate(who('z', 3), gpu(1), { priority: 1 });
    expect(urgent.kind).toBe('granted');
    const events = urgent.kind === 'granted' ? (urgent.events ?? []) : [];
    expect(events.map((e) => [e.kind, e.kind === 'preempted' ? e.allocation.src : ''])).toEqual([['preempted', 'y']]);
    const held = Object.fromEntries(m.tenantViews()!.map((v) => [v.name, v.held]));
    expect(held).toEqual({ x: [[0, 1000]], z: [[0, 1000]] });
  });
});

describe('a preemptor that the queue grants on its own turn', () => {
  it('is granted once: its preemption ends with the grant, and its victims are spared', () => {
    // fifo, a 40 ms grace. `p1` (priority 1) preempts `low`; `p2` (priority 2) then preempts
    // `big`. When `t`'s timeout gives back the cpu `t` was owed, `p2` is granted as a preemptor,
    // and `p1`, now first in line, fits what is free and is granted by the queue itself. Its
    // grace must not grant it again at 40, nor preempt `low`.
    const clock = { now: 0 };
    const m = new ResourceManager({ capacity: [['cpu', 3], ['mem', 8]], clock: () => clock.now, idPrefix: 'a', policy: 'fifo', preemption: 'lower-priority', preemptionGraceMs: 40 });
    let msgId = 0;
    const ask = (src: string, req: Record<string, number>, o: { priority?: number; timeoutMs?: number } = {}) =>
      m.allocate({ src, msgId: ++msgId, via: 'n' }, Object.entries(req).map(([type, amount]) => ({ type, amount })), o);
    ask('big', { mem: 3 });
    ask('victim', { cpu: 1, mem: 2 }, { priority: -1 });
    ask('low', { cpu: 1 });
    expect(ask('t', { mem: 1, cpu: 2 }, { timeoutMs: 1 }).kind).toBe('queued');
    expect(ask('p1', { cpu: 1 }, { priority: 1 }).kind).toBe('queued');
    expect(ask('p2', { mem: 3 }, { priority: 2 }).kind).toBe('queued');
    const seen: string[] = [];
    for (let d = m.nextDeadline(); d !== Infinity; d = m.nextDeadline()) {
      clock.now = d;
      for (const e of m.advance()) seen.push(`${clock.now} ${e.kind} ${e.kind === 'granted' || e.kind === 'timed_out' ? e.request?.src : e.kind === 'job_started' ? e.job.id : e.allocation.id}`);
    }
    expect(seen).toEqual(['1 timed_out t', '1 granted p2', '1 granted p1']);
    expect([...m.liveAllocations()].map((a) => a.src).sort()).toEqual(['big', 'low', 'p1', 'p2', 'victim']);
  });
});
