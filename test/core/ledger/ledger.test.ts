import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/ledger.js';
import { CoreError } from '../../../src/core/errors.js';
import type { HeldAllocation } from '../../../src/core/model.js';
import { SequentialIds } from '../../../src/lib/sequential-ids.js';
import type { Shape } from '../../../src/core/ledger/shapes.js';

function allocation(id: string, types: number[], units: number[]): HeldAllocation {
  return { id, serial: 0, src: 'c1', msgId: 1, via: 'n1', types, units, members: undefined, leaseMs: -1, leaseDeadline: -1, tenant: 'c1', priority: 0, held: 0, filedById: false, filedBySource: false, account: undefined, hold: undefined };
}

function ledger(): Ledger {
  const l = new Ledger(10);
  l.setCapacity('cpu', 8000);
  l.setCapacity('memory', 16000);
  return l;
}

describe('Ledger', () => {
  it('starts with everything free', () => {
    const l = ledger();
    expect(l.types.list()).toEqual(['cpu', 'memory']);
    expect([l.capacityOf(0), l.allocatedOf(0), l.freeOf(0)]).toEqual([8000, 0, 8000]);
    expect(l.freeVector()).toEqual([8000, 16000]);
    expect(l.allocationCount).toBe(0);
  });

  it('fits a demand up to and including what is free', () => {
    const l = ledger();
    expect(l.fits([0, 1], [8000, 16000])).toBe(true);
    expect(l.fits([0], [8001])).toBe(false);
    expect(l.fits([1, 0], [1, 8001])).toBe(false);
  });

  it('fits with a reserve held back per type', () => {
    const l = ledger();
    const reserve: number[] = [];
    reserve[0] = 6000;
    expect(l.fits([0], [2000], reserve)).toBe(true);
    expect(l.fits([0], [2001], reserve)).toBe(false);
    // The reserve only touches the types it names.
    expect(l.fits([1], [16000], reserve)).toBe(true);
  });

  it('adds and ends allocations, keeping allocated + free = capacity', () => {
    const l = ledger();
    const a = allocation('a', [0, 1], [2000, 4000]);
    l.add(a);
    expect([l.allocatedOf(0), l.freeOf(0), l.allocatedOf(1), l.freeOf(1)]).toEqual([2000, 6000, 4000, 12000]);
    expect(l.get('a')).toBe(a);
    l.end(a, 'released');
    expect(l.get('a')).toBeUndefined();
    expect(l.endedAllocation('a')?.how).toBe('released');
    expect(l.freeVector()).toEqual([8000, 16000]);
  });

  it('ending an unknown or already ended allocation is code 20', () => {
    const l = ledger();
    const a = allocation('a', [0], [1000]);
    l.add(a);
    l.end(a, 'released');
    for (const again of [a, allocation('nope', [0], [1000])]) {
      try {
        l.end(again, 'released');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(CoreError);
        expect((e as CoreError).kind).toBe('unknown');
      }
    }
    expect(l.freeOf(0)).toBe(8000);
  });

  it('reports free as 0 when capacity shrinks below what is allocated, and fits nothing', () => {
    const l = ledger();
    const a = allocation('a', [0], [6000]);
    l.add(a);
    l.setCapacity('cpu', 4000);
    expect(l.capacityOf(0)).toBe(4000);
    expect(l.allocatedOf(0)).toBe(6000);
    expect(l.freeOf(0)).toBe(0);
    expect(l.freeVector()[0]).toBe(0);
    expect(l.fits([0], [1])).toBe(false);
    l.end(a, 'released');
    expect(l.freeOf(0)).toBe(4000);
  });

  it('registers a new type with a capacity', () => {
    const l = ledger();
    expect(l.setCapacity('gpu', 2000)).toBe(2);
    expect(l.types.indexOf('gpu')).toBe(2);
    expect(l.freeOf(2)).toBe(2000);
    expect(l.types.indexOf('tpu')).toBe(-1);
  });

  it('remembers a bounded number of ended allocations, oldest forgotten first', () => {
    const l = new Ledger(2);
    l.setCapacity('cpu', 10_000);
    for (const id of ['a', 'b', 'c']) {
      const a = allocation(id, [0], [1]);
      l.add(a);
      l.end(a, 'released');
    }
    expect(l.endedAllocation('a')).toBeUndefined();
    expect(l.endedAllocation('b')).toBeDefined();
    expect(l.endedAllocation('c')).toBeDefined();
  });

  it('remembers what each ended allocation held, its holder and how it ended (for a preempted one, by what), interned shape or not, with either kind of id', () => {
    for (const counted of [undefined, new SequentialIds('n')]) {
      const l = new Ledger(50, counted);
      l.setCapacity('cpu', 10_000_000);
      l.setCapacity('gpu', 10_000_000);
      const shapes: Shape[] = [];
      const hows = ['released', 'expired', 'revoked', 'preempted'] as const;
      // Shapes not interned (as past the limit) are kept by slot; the ring wraps many times.
      for (let i = 0; i < 5000; i++) {
        const shape = i % 3 === 0 ? { types: [1, 0], units: [i + 1, 7] } : l.shapes.intern([0], [(i % 5) + 1], 1, i % 5);
        shapes.push(shape);
      }
      for (let i = 0; i < 5000; i++) {
        const id = counted === undefined ? `x${i + 1}` : counted.idOf(i + 1);
        const a = { ...allocation(id, shapes[i]!.types as number[], shapes[i]!.units as number[]), serial: i + 1, src: `c${i % 4}` };
        l.add(a);
        l.end(a, hows[i % 4]!);
        if (hows[i % 4] === 'preempted') l.notePreemptedBy(id, `by${i}`);
      }
      for (let i = 0; i < 5000; i++) {
        const id = counted === undefined ? `x${i + 1}` : counted.idOf(i + 1);
        const ended = l.endedAllocation(id);
        if (i < 4950) {
          expect(ended).toBeUndefined();
          continue;
        }
        const by = hows[i % 4] === 'preempted' ? { by: `by${i}` } : {};
        expect(ended).toEqual({ id, src: `c${i % 4}`, types: shapes[i]!.types, units: shapes[i]!.units, how: hows[i % 4], ...by });
      }
    }
  });

  it('counts room withheld (for a preemptor) as allocated, until given back', () => {
    const l = ledger();
    l.withhold(0, 3000);
    expect([l.allocatedOf(0), l.freeOf(0), l.fits([0], [6000])]).toEqual([3000, 5000, false]);
    l.withhold(0, -3000);
    expect([l.allocatedOf(0), l.freeOf(0), l.fits([0], [6000])]).toEqual([0, 8000, true]);
  });

  it('keeps names such as __proto__ as plain types', () => {
    const l = new Ledger(1);
    l.setCapacity('__proto__', 1000);
    l.setCapacity('constructor', 2000);
    expect(l.types.indexOf('__proto__')).toBe(0);
    expect(l.types.indexOf('constructor')).toBe(1);
    expect(l.types.indexOf('toString')).toBe(-1);
    expect(l.freeVector()).toEqual([1000, 2000]);
  });

  it('knows a live allocation by itself or by id, and only in the ledger that holds it', () => {
    const l = ledger();
    const other = ledger();
    const a = allocation('a', [0], [1000]);
    const b = allocation('b', [0], [1000]);
    l.add(a);
    other.add(b);
    expect(l.holds(a)).toBe(true);
    expect(l.holds(b)).toBe(false);
    expect(l.get('b')).toBeUndefined();
    expect(l.get('a')).toBe(a);
    l.end(a, 'released');
    expect(l.holds(a)).toBe(false);
    expect(l.get('a')).toBeUndefined();
    expect(() => l.end(b, 'released')).toThrow(CoreError);
  });

  it('lists and counts live allocations in grant order, whether or not one was looked up by id', () => {
    const l = ledger();
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => allocation(id, [0], [1000]));
    l.add(all[0]!);
    l.add(all[1]!);
    expect(l.get('a')).toBe(all[0]);
    l.add(all[2]!);
    l.end(all[1]!, 'released');
    l.add(all[3]!);
    l.end(all[3]!, 'released');
    l.add(all[4]!);
    expect([...l.liveAllocations()].map((a) => a.id)).toEqual(['a', 'c', 'e']);
    expect(l.allocationCount).toBe(3);
    expect(l.endedAllocation('b')?.how).toBe('released');
    expect(l.endedAllocation('d')?.how).toBe('released');
  });
});
