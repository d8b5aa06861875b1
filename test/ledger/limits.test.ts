import { describe, expect, it } from 'vitest';
import { Categories, MAX_CATEGORIES } from '../../src/ledger/categories.js';
import { MAX_RESOURCE_TYPES, ResourceManager } from '../../src/ledger/manager.js';
import { codeOf } from '../support/errors.js';

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
    expect(m.ledger.types.size).toBe(MAX_RESOURCE_TYPES);
    expect(codeOf(() => m.setCapacity([['cpu', 5], ['new-one', 1]]))).toBe(11);
    expect(m.ledger.types.size).toBe(MAX_RESOURCE_TYPES);
    expect(m.ledger.capacityOf(m.ledger.types.indexOf('cpu'))).toBe(1000);
    // Known types can still be changed.
    m.setCapacity([['cpu', 5]]);
    expect(m.ledger.capacityOf(m.ledger.types.indexOf('cpu'))).toBe(5000);
  });
});
