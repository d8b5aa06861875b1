import { describe, expect, it } from 'vitest';
import { SequentialIds } from '../../src/lib/sequential-ids.js';

/** Ids in order, as the manager asks for them. */
function countingIds(prefix?: string): () => string {
  const ids = new SequentialIds(prefix);
  let n = 0;
  return () => ids.idOf(++n);
}

describe('SequentialIds in order', () => {
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

describe('SequentialIds', () => {
  it('makes the id of any count, in any order, as a template would', () => {
    const ids = new SequentialIds('x');
    for (const n of [1, 999, 1000, 1001, 2999, 7, 123_456_789, 1_000_000, 999_999, 2 ** 53 - 1, 5]) expect(ids.idOf(n)).toBe(`x${n}`);
    // In order again after jumping about.
    for (let n = 998; n <= 3002; n++) expect(ids.idOf(n)).toBe(`x${n}`);
  });

  it('reads the count back out of its own ids only', () => {
    const ids = new SequentialIds('alloc-');
    for (const n of [1, 9, 10, 999, 1000, 123_456, 2 ** 53 - 1]) expect(ids.countOf(ids.idOf(n))).toBe(n);
    // Not one of its ids: another prefix, no digits, a leading zero, a sign, a point,
    // text after the digits, or more digits than a number keeps exactly.
    for (const id of ['a1', 'alloc-', 'alloc-0', 'alloc-01', 'alloc--1', 'alloc-+1', 'alloc-1.5', 'alloc-1x', 'alloc- 1', 'Alloc-1', 'alloc-9007199254740992', 'alloc-12345678901234567', '']) {
      expect(ids.countOf(id)).toBe(-1);
    }
  });
});
