import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingList } from '../../src/lib/pending-list.js';

interface Item {
  readonly n: number;
  current: boolean;
}

describe('PendingList', () => {
  it('files exactly the items still current, in the order added, each once', () => {
    // add (a new item), end (an item stops being current), file (a lookup).
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: 'add' as const }) },
      { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'end' as const, pick })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'file' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), (ops) => {
        const backlog = new PendingList<Item>((i) => i.current);
        const all: Item[] = [];
        let unfiledSince = 0;
        let current = 0;
        const filed: number[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const item = { n: all.length, current: true };
            all.push(item);
            backlog.add(item, ++current);
          } else if (o.kind === 'end') {
            const live = all.filter((i) => i.current);
            if (live.length === 0) continue;
            live[o.pick % live.length]!.current = false;
            current--;
          } else {
            const expected = all.slice(unfiledSince).filter((i) => i.current).map((i) => i.n);
            filed.length = 0;
            backlog.fileAll((i) => filed.push(i.n));
            expect(filed).toEqual(expected);
            expect(backlog.length).toBe(0);
            unfiledSince = all.length;
          }
          // Bounded: never more than twice the current items, plus the slack, after an add.
          expect(backlog.length).toBeLessThanOrEqual(2 * current + 64 + 1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every current item of a batch, however few or many of it are current', () => {
    for (let currentInBatch = 0; currentInBatch <= 64; currentInBatch++) {
      const backlog = new PendingList<Item>((i) => i.current);
      // A batch of 64 whose current items are spread through it (the first and last among them).
      const items = Array.from({ length: 64 }, (_, n) => ({ n, current: false }));
      for (let k = 0; k < currentInBatch; k++) items[Math.floor((k * 63) / Math.max(1, currentInBatch - 1))]!.current = true;
      const current = items.filter((i) => i.current).length;
      for (const item of items) backlog.add(item, current);
      const filed: number[] = [];
      backlog.fileAll((i) => filed.push(i.n));
      expect(filed).toEqual(items.filter((i) => i.current).map((i) => i.n));
    }
  });

  it('stays small when items come and go and nothing is ever looked up', () => {
    const backlog = new PendingList<Item>((i) => i.current);
    let most = 0;
    let previous: Item | undefined;
    for (let n = 0; n < 100_000; n++) {
      if (previous !== undefined) previous.current = false;
      previous = { n, current: true };
      backlog.add(previous, 1);
      most = Math.max(most, backlog.length);
    }
    expect(most).toBeLessThanOrEqual(2 + 64 + 1);
    const filed: number[] = [];
    backlog.fileAll((i) => filed.push(i.n));
    expect(filed).toEqual([99_999]);
  });

  it('drops items that end soon after they were added within 64 adds, however many others are current', () => {
    const backlog = new PendingList<Item>((i) => i.current);
    const longLived = Array.from({ length: 10_000 }, (_, n) => ({ n, current: true }));
    for (const item of longLived) backlog.add(item, longLived.length);
    let most = 0;
    let previous: Item | undefined;
    for (let n = 0; n < 50_000; n++) {
      if (previous !== undefined) previous.current = false;
      previous = { n: 10_000 + n, current: true };
      backlog.add(previous, longLived.length + 1);
      most = Math.max(most, backlog.length);
    }
    // The long-lived ones, at most 64 recent ones, and the one item in 64 that was still
    // current at its sweep (it ended later, and waits for a sweep of all).
    expect(most).toBeLessThanOrEqual(10_000 + 64 + Math.ceil(50_000 / 64));
    const filed: number[] = [];
    backlog.fileAll((i) => filed.push(i.n));
    expect(filed).toEqual([...longLived.map((i) => i.n), 59_999]);
  });
});
