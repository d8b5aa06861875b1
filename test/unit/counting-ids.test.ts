import { describe, expect, it } from 'vitest';
import { countingIds } from '../../src/ledger/counting-ids.js';

describe('countingIds', () => {
  it('counts in decimal after the prefix, across every thousand, as a template would', () => {
    const next = countingIds('alloc-');
    for (let n = 1; n <= 25_000; n++) expect(next()).toBe(`alloc-${n}`);
  });

  it('defaults to a and counts per source', () => {
    const a = countingIds();
    const b = countingIds();
    expect([a(), a(), b()]).toEqual(['a1', 'a2', 'a1']);
  });
});
