import { describe, expect, it } from 'vitest';
import { ResourceManager, type OwedEvent } from '../../../src/core/manager.js';
import { Pools } from '../../../src/core/ledger/pools.js';
import { errorOf } from '../../support/errors.js';

function manager(pools: [string, string[]][] = [['robot', ['r1', 'r2']]], capacity: [string, number][] = [['cpu', 8]]) {
  const clock = { now: 0 };
  let n = 0;
  const m = new ResourceManager({ capacity, pools, clock: () => clock.now, newId: () => `alloc-${++n}` });
  return { m, clock };
}

const who = (src: string, msgId = 1) => ({ src, msgId, via: 'n1' });

function granted(outcome: ReturnType<ResourceManager['allocate']>) {
  if (outcome.kind !== 'granted') throw new Error(`expected a grant, got ${outcome.kind}`);
  return outcome.allocation;
}

function grantsIn(events: readonly OwedEvent[]) {
  return events.flatMap((e) => (e.kind === 'granted' ? [e.allocation] : []));
}

/** Per member type, in declaration order, which allocation holds each member. */
function memberHolders(m: ResourceManager): Record<string, Record<string, string | null>> {
  const out: Record<string, Record<string, string | null>> = {};
  for (const t of m.memberTypes()) out[m.types.name(t)] = Object.fromEntries(m.memberHolders(t));
  return out;
}

describe('Pools on its own', () => {
  it('hands out free members in declaration order and takes them back', () => {
    const p = new Pools();
    p.declare(0, 'robot', ['r1', 'r2', 'r3']);
    expect(p.take('a', [0], [2000])).toEqual(new Map([[0, ['r1', 'r2']]]));
    expect(p.freeCount(0)).toBe(1);
    p.giveBack({ id: 'a', members: new Map([[0, ['r1']]]) } as never);
    expect(Object.fromEntries(p.holders(0))).toEqual({ r1: null, r2: 'a', r3: null });
    expect(p.take('b', [0], [2000])).toEqual(new Map([[0, ['r1', 'r3']]]));
    expect(Object.fromEntries(p.holders(0))).toEqual({ r1: 'b', r2: 'a', r3: 'b' });
  });

  it('leaves grants of plain types without members', () => {
    const p = new Pools();
    p.declare(1, 'robot', ['r1']);
    expect(p.take('a', [0, 2], [1000, 5])).toBeUndefined();
    expect(p.isMemberType(0)).toBe(false);
    expect(p.isMemberType(1)).toBe(true);
  });

  it('treats member names like __proto__ as ordinary names', () => {
    const p = new Pools();
    p.declare(0, '__proto__', ['__proto__', 'constructor']);
    p.take('a', [0], [1000]);
    expect(p.holders(0)).toEqual([
      ['__proto__', 'a'],
      ['constructor', null],
    ]);
  });
});

describe('ResourceManager with a robot pool', () => {
  it('gives the pool a capacity equal to its member count', () => {
    const { m } = manager([['robot', ['r1', 'r2', 'r3']]]);
    const t = m.types.indexOf('robot');
    expect(m.capacityOf(t)).toBe(3000);
    expect(m.types.list()).toEqual(['cpu', 'robot']);
  });

  it('names the members of a grant, in declaration order, only for member types', () => {
    const { m } = manager();
    const robot = m.types.indexOf('robot');
    const a = granted(m.allocate(who('job1'), [{ type: 'cpu', amount: 1 }, { type: 'robot', amount: 1 }]));
    expect(a.members).toEqual(new Map([[robot, ['r1']]]));
    const b = granted(m.allocate(who('job2'), [{ type: 'cpu', amount: 2 }]));
    expect(b.members).toBeUndefined();
    const c = granted(m.allocate(who('job3'), [{ type: 'robot', amount: 1 }]));
    expect(c.members).toEqual(new Map([[robot, ['r2']]]));
    expect(memberHolders(m)).toEqual({ robot: { r1: 'alloc-1', r2: 'alloc-3' } });
  });

  it('queues a job when every robot is out and hands it the robot that comes back', () => {
    const { m } = manager();
    granted(m.allocate(who('job1'), [{ type: 'robot', amount: 1 }]));
    granted(m.allocate(who('job2'), [{ type: 'robot', amount: 1 }]));
    const q = m.allocate(who('job3'), [{ type: 'robot', amount: 1 }]);
    expect(q.kind).toBe('queued');
    const { events } = m.release('alloc-2');
    const [c] = grantsIn(events);
    expect(c?.src).toBe('job3');
    expect([...c!.members!.values()]).toEqual([['r2']]);
    expect(memberHolders(m)).toEqual({ robot: { r1: 'alloc-1', r2: 'alloc-3' } });
  });

  it('frees nothing more on a retried release', () => {
    const { m } = manager();
    granted(m.allocate(who('job1'), [{ type: 'robot', amount: 1 }]));
    m.release('alloc-1');
    granted(m.allocate(who('job2'), [{ type: 'robot', amount: 1 }]));
    m.release('alloc-1');
    expect(memberHolders(m)).toEqual({ robot: { r1: 'alloc-2', r2: null } });
    expect(m.freeMembers(m.types.indexOf('robot'))).toBe(1);
  });

  it('returns the members of an allocation whose lease expired', () => {
    const { m, clock } = manager();
    granted(m.allocate(who('job1'), [{ type: 'robot', amount: 2 }], { leaseMs: 100 }));
    expect(m.allocate(who('job2'), [{ type: 'robot', amount: 1 }]).kind).toBe('queued');
    clock.now = 100;
    const events = m.advance();
    expect(events.map((e) => e.kind)).toEqual(['lease_expired', 'granted']);
    expect([...grantsIn(events)[0]!.members!.values()]).toEqual([['r1']]);
    expect(memberHolders(m)).toEqual({ robot: { r1: 'alloc-2', r2: null } });
  });

  it('refuses fractional amounts of a member type with code 12 naming the field', () => {
    const { m } = manager();
    const e = errorOf(() => m.allocate(who('job1'), [{ type: 'cpu', amount: 0.5 }, { type: 'robot', amount: 1.5 }]));
    expect(e.code).toBe(12);
    expect(e.message).toBe('requirements[1].amount must be a whole number for the member type "robot"');
    expect(m.allocationCount).toBe(0);
    expect(m.waiting).toBe(0);
  });

  it('refuses capacity changes of a member type with code 12, changing nothing', () => {
    const { m } = manager();
    const e = errorOf(() => m.setCapacity([['cpu', 4], ['robot', 5]]));
    expect(e.code).toBe(12);
    expect(e.message).toBe('resources.robot cannot be set: "robot" is a pool of named members; its capacity is its member count (2)');
    expect(m.capacityOf(m.types.indexOf('cpu'))).toBe(8000);
    expect(() => m.setCapacity([['cpu', 4]])).not.toThrow();
  });

  it('lists every pool in declaration order in memberHolders', () => {
    const { m } = manager([
      ['robot', ['r1']],
      ['runner', ['ann', 'bob']],
    ]);
    granted(m.allocate(who('j'), [{ type: 'runner', amount: 1 }, { type: 'robot', amount: 1 }]));
    const h = memberHolders(m);
    expect(Object.keys(h)).toEqual(['robot', 'runner']);
    expect(h).toEqual({ robot: { r1: 'alloc-1' }, runner: { ann: 'alloc-1', bob: null } });
  });
});
