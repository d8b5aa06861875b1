import { describe, expect, it } from 'vitest';
import { Categories, MAX_CATEGORIES } from '../../../src/core/jobs/categories.js';
import { MAX_RESOURCE_TYPES, ResourceManager } from '../../../src/core/manager.js';
import { codeOf } from '../../support/errors.js';

describe('what the node keeps is bounded', () => {
  it('refuses a new category past the limit with code 11, and still serves the known ones', () => {
    const c = new Categories(100);
    const who = { src: 'c1', via: 'n1' };
    for (let i = 0; i < MAX_CATEGORIES; i++) c.submit(`cat-${i}`, 1, 1, who);
    expect(codeOf(() => c.submit('one-more', 1, 1, who))).toBe(11);
    expect(c.status().size).toBe(MAX_CATEGORIES);
    expect(c.status().has('one-more')).toBe(false);
    // A known category takes more jobs as before.
    expect(c.submit('cat-7', 2, 1, who)).toMatchObject({ queued: 0, running: 2, waiting: 0 });
  });

  it('refuses set_capacity with new types past the limit with code 11, changing nothing', () => {
    const m = new ResourceManager({ capacity: [['cpu', 1]], clock: () => 0, newId: () => 'a' });
    const names = Array.from({ length: MAX_RESOURCE_TYPES - 1 }, (_, i) => [`t${i}`, 1] as const);
    m.setCapacity(names);
    expect(m.types.size).toBe(MAX_RESOURCE_TYPES);
    expect(codeOf(() => m.setCapacity([['cpu', 5], ['new-one', 1]]))).toBe(11);
    expect(m.types.size).toBe(MAX_RESOURCE_TYPES);
    expect(m.capacityOf(m.types.indexOf('cpu'))).toBe(1000);
    // Known types can still be changed.
    m.setCapacity([['cpu', 5]]);
    expect(m.capacityOf(m.types.indexOf('cpu'))).toBe(5000);
  });

  it('bounds jobs kept, running and waiting together, with code 11; jobs 0 changes only the cap', () => {
    const who = { src: 'c1', via: 'n1' };
    const c = new Categories(1_000_000, 250);
    expect(c.submit('a', 100, 200, who)).toMatchObject({ queued: 100, running: 100, waiting: 100 });
    expect(c.jobs).toBe(200);
    expect(codeOf(() => c.submit('b', 10, 51, who))).toBe(11);
    expect(c.status().has('b')).toBe(false);
    expect(c.submit('b', 10, 50, who)).toMatchObject({ running: 10, waiting: 40 });
    // Full: a cap change alone is still taken, and starts waiting jobs.
    expect(c.submit('a', 150, 0, who)).toMatchObject({ queued: 0, running: 150, waiting: 50 });
    expect(c.jobs).toBe(250);
    c.complete('a', undefined);
    expect(c.jobs).toBe(249);
    expect(c.submit('b', undefined, 1, who)).toMatchObject({ queued: 1 });
    expect(codeOf(() => c.submit('b', undefined, 1, who))).toBe(11);
  });

  it('bounds live allocations with code 11; waiting requests are granted once one ends', () => {
    let n = 0;
    const m = new ResourceManager({ capacity: [['cpu', 10]], clock: () => 0, newId: () => `a${++n}`, maxAllocations: 2 });
    const who = (msgId: number) => ({ src: 'c', msgId, via: 'n' });
    const one = [{ type: 'cpu', amount: 1 }];
    const a1 = m.allocate(who(1), one);
    m.allocate(who(2), one);
    expect(codeOf(() => m.allocate(who(3), one))).toBe(11);
    expect(m.allocationCount).toBe(2);
    // One that does not fit still waits; it is granted when an allocation ends.
    expect(m.allocate(who(4), [{ type: 'cpu', amount: 9 }]).kind).toBe('queued');
    if (a1.kind !== 'granted') throw new Error('expected a grant');
    const released = m.release(a1.allocation.id);
    expect(released.events.map((e) => e.kind)).toEqual(['granted']);
    expect(m.allocationCount).toBe(2);
  });
});
