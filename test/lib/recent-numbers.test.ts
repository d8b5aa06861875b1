import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/lib/bounded-map.js';
import { SequentialIds } from '../../src/lib/sequential-ids.js';
import { RecentNumbers } from '../../src/lib/recent-numbers.js';

describe('RecentNumbers', () => {
  it('remembers exactly what a BoundedMap does for ids added once, in any order, however reads interleave', () => {
    const ids = new SequentialIds('a');
    // Allocations end in an order of their own: serials are added shuffled (a fixed walk).
    const serialOf = (i: number): number => ((i * 7919) % 6007) + 1;
    for (const limit of [0, 1, 2, 3, 7, 64, 1023, 1024, 3000]) {
      for (const readEvery of [1, 5, 13, 1000]) {
        const log = new RecentNumbers(limit, ids);
        const values: number[] = [];
        const map = new BoundedMap<string, number>(limit);
        const get = (id: string): number | undefined => {
          const slot = log.slotOf(id);
          return slot < 0 ? undefined : values[slot];
        };
        // Differences as text (one expect per case: expect is slow in a loop this long).
        const wrong: string[] = [];
        for (let i = 0; i < 6007; i++) {
          const serial = serialOf(i);
          const slot = log.add({ serial });
          if (slot >= 0) values[slot] = i;
          map.set(ids.idOf(serial), i);
          if (i % readEvery === 0) {
            for (const j of [i, i - 1, i - limit + 1, i - limit, i - limit - 1, i + 1]) {
              if (j < 0 || j >= 6007) continue;
              const id = ids.idOf(serialOf(j));
              if (get(id) !== map.get(id)) wrong.push(`${id}: ${get(id)} not ${map.get(id)}`);
            }
            // Ids it never made are never found.
            for (const id of ['b1', 'a0', 'a01', `a${serialOf(i)}x`]) if (log.slotOf(id) !== -1) wrong.push(`${id} found`);
          }
          if (log.size !== map.size) wrong.push(`size ${log.size} not ${map.size} after ${i}`);
        }
        expect(wrong, `limit ${limit}, read every ${readEvery}`).toEqual([]);
      }
    }
  });
});
