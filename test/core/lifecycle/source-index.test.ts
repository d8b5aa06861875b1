import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceIndex } from '../../../src/core/lifecycle/source-index.js';
import type { HeldAllocation, QueuedRequest } from '../../../src/core/model.js';
import { waitingRequest } from '../../support/waiting-request.js';

/** A waiting request from `src` (the index files it under whatever msg_id it is given). */
const entry = (src: string): QueuedRequest => waitingRequest([0], [1000], 0, src);

/** Clients (empty maps included) at most, while `passing` clients each send one request that ends. */
function mostClients(index: SourceIndex, passing: number): number {
  let most = 0;
  for (let i = 0; i < passing; i++) {
    const e = entry(`once-${i}`);
    index.add(e.src, 1, e);
    index.delete(e.src, 1, e);
    most = Math.max(most, index.clients);
  }
  return most;
}

describe('SourceIndex', () => {
  it('finds what was set and forgets what was deleted', () => {
    const index = new SourceIndex();
    const a = entry('c1');
    index.add('c1', 1, a);
    expect(index.get('c1', 1)).toBe(a);
    expect(index.get('c2', 1)).toBeUndefined();
    index.delete('c1', 1, a);
    expect(index.get('c1', 1)).toBeUndefined();
  });

  it('keeps an entry whose msg_id was reused when the older one is deleted', () => {
    const index = new SourceIndex();
    const old = entry('c1');
    const reused = entry('c1');
    index.add('c1', 7, old);
    index.add('c1', 7, reused);
    index.delete('c1', 7, old);
    expect(index.get('c1', 7)).toBe(reused);
  });

  it('keeps few empty client maps however many clients come and go', () => {
    const index = new SourceIndex();
    const live = Array.from({ length: 10 }, (_, i) => entry(`live-${i}`));
    for (const e of live) index.add(e.src, 1, e);
    // 10 clients with something live, and at most 1,024 + 1 empty maps waiting for a sweep.
    expect(mostClients(index, 50_000)).toBeLessThanOrEqual(10 + 1025);
    for (const e of live) expect(index.get(e.src, 1)).toBe(e);
  });

  it('keeps no more empty maps than live clients when there are many of those', () => {
    const index = new SourceIndex();
    for (let i = 0; i < 5000; i++) index.add(`live-${i}`, 1, entry(`live-${i}`));
    expect(mostClients(index, 50_000)).toBeLessThanOrEqual(2 * 5000 + 1);
  });

  it('names the newest of the entries sharing a msg_id, however many requests one client has', () => {
    // Up to 12 msg_ids per client: past 8 a client's entries move from arrays to a map, and
    // back once it has none, so sequences cross that line both ways. Adds may reuse a msg_id.
    const op = fc.record({ client: fc.integer({ min: 0, max: 2 }), msgId: fc.integer({ min: 1, max: 12 }), add: fc.boolean(), pick: fc.nat() });
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 600 }), (list) => {
        const index = new SourceIndex();
        const model = new Map<string, Map<number, QueuedRequest[]>>();
        for (const { client, msgId, add, pick } of list) {
          const src = `c${client}`;
          const byId = model.get(src) ?? new Map<number, QueuedRequest[]>();
          model.set(src, byId);
          const filed = byId.get(msgId) ?? [];
          byId.set(msgId, filed);
          if (add) {
            const e = entry(src);
            index.add(src, msgId, e);
            filed.push(e);
          } else {
            if (filed.length === 0) continue;
            const [e] = filed.splice(pick % filed.length, 1);
            index.delete(src, msgId, e!);
          }
          for (let id = 1; id <= 12; id++) {
            const all = byId.get(id) ?? [];
            const newest = all.length === 0 ? undefined : all.reduce((x, y) => (y.seq > x.seq ? y : x));
            // About 400,000 lookups a run: expect() runs only on a difference, which it then reports.
            if (index.get(src, id) !== newest) expect(index.get(src, id)).toBe(newest);
          }
        }
      }),
    );
  });

  it('names a waiting request before a live allocation under the same msg_id, whichever was filed first', () => {
    const index = new SourceIndex();
    const waiting = entry('c1');
    const allocation = { ...entry('c1'), id: 'a1', serial: 1 } as unknown as HeldAllocation;
    index.add('c1', 3, allocation);
    index.add('c1', 3, waiting);
    expect(index.get('c1', 3)).toBe(waiting);
    index.delete('c1', 3, waiting);
    expect(index.get('c1', 3)).toBe(allocation);
    index.add('c1', 3, waiting);
    expect(index.get('c1', 3)).toBe(waiting);
  });
});
