import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/ledger/bounded-map.js';
import { RecentKeys } from '../../src/ledger/recent-keys.js';

describe('RecentKeys', () => {
  it('remembers exactly what a BoundedMap does for keys added once, however reads interleave', () => {
    for (const limit of [0, 1, 2, 3, 7, 64]) {
      for (const readEvery of [1, 2, 5, 13, 1000]) {
        const log = new RecentKeys<string>(limit);
        const values: number[] = [];
        const map = new BoundedMap<string, number>(limit);
        const get = (k: string): number | undefined => {
          const slot = log.slotOf(k);
          return slot < 0 ? undefined : values[slot];
        };
        for (let i = 0; i < 500; i++) {
          const slot = log.add(`k${i}`);
          if (slot >= 0) values[slot] = i;
          map.set(`k${i}`, i);
          if (i % readEvery === 0) {
            // Look up recent, just-forgotten and never-added keys.
            for (const j of [i, i - 1, i - limit + 1, i - limit, i - limit - 1, i - 2 * limit, i + 1]) expect(get(`k${j}`)).toBe(map.get(`k${j}`));
          }
          expect(log.size).toBe(map.size);
        }
        for (let j = 0; j < 500; j++) expect(get(`k${j}`)).toBe(map.get(`k${j}`));
      }
    }
  });
});
