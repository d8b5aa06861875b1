import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/lib/bounded-map.js';
import { RecentStrings } from '../../src/lib/recent-strings.js';

// Ids of varied lengths, so that batches split the joined text at uneven places.
const idOf = (i: number): string => (i % 3 === 0 ? `k${i}` : i % 3 === 1 ? `id-${i}-${'x'.repeat(i % 7)}` : `${i}`);

// About a million comparisons: expect() runs only on a difference, which it then reports.
const same = (actual: unknown, expected: unknown, what: () => string): void => {
  if (actual !== expected) expect(actual, what()).toBe(expected);
};

describe('RecentStrings', () => {
  it('remembers exactly what a BoundedMap does for keys added once, however reads interleave', () => {
    for (const limit of [0, 1, 2, 3, 7, 64, 1023, 1024, 1025, 3000]) {
      for (const readEvery of [1, 2, 5, 13, 1000]) {
        const log = new RecentStrings(limit);
        const values: number[] = [];
        const map = new BoundedMap<string, number>(limit);
        const get = (k: string): number | undefined => {
          const slot = log.slotOf(k);
          return slot < 0 ? undefined : values[slot];
        };
        for (let i = 0; i < 5000; i++) {
          const slot = log.add({ id: idOf(i) });
          if (slot >= 0) values[slot] = i;
          map.set(idOf(i), i);
          if (i % readEvery === 0) {
            // Look up recent, just-forgotten and never-added keys.
            for (const j of [i, i - 1, i - limit + 1, i - limit, i - limit - 1, i - 2 * limit, i + 1]) same(get(idOf(j)), map.get(idOf(j)), () => `limit ${limit}, after ${i}: ${idOf(j)}`);
          }
          same(log.size, map.size, () => `limit ${limit}, size after ${i}`);
        }
        for (let j = 0; j < 5000; j++) same(get(idOf(j)), map.get(idOf(j)), () => `limit ${limit}, at the end: ${idOf(j)}`);
      }
    }
  });
});
