import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/ledger/bounded-map.js';
import { RecentLog } from '../../src/ledger/recent-log.js';

describe('RecentLog', () => {
  it('remembers exactly what a BoundedMap does for keys set once, however reads interleave', () => {
    for (const limit of [0, 1, 2, 3, 7, 64]) {
      for (const readEvery of [1, 2, 5, 13, 1000]) {
        const log = new RecentLog<string, number>(limit);
        const map = new BoundedMap<string, number>(limit);
        for (let i = 0; i < 500; i++) {
          log.set(`k${i}`, i);
          map.set(`k${i}`, i);
          if (i % readEvery === 0) {
            // Look up recent, just-forgotten and never-set keys.
            for (const j of [i, i - 1, i - limit + 1, i - limit, i - limit - 1, i - 2 * limit, i + 1]) expect(log.get(`k${j}`)).toBe(map.get(`k${j}`));
          }
          expect(log.size).toBe(map.size);
        }
        for (let j = 0; j < 500; j++) expect(log.get(`k${j}`)).toBe(map.get(`k${j}`));
      }
    }
  });
});
