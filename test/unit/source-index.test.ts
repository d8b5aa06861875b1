import { describe, expect, it } from 'vitest';
import { SourceIndex } from '../../src/ledger/source-index.js';
import type { WaitingRequest } from '../../src/ledger/types.js';

const entry = (src: string, msgId: number): WaitingRequest =>
  ({ src, msgId, via: 'n1', seq: msgId, types: [0], units: [1000], options: undefined, deadline: -1, bypassed: 0, reserved: false, slot: -1, group: undefined }) as WaitingRequest;

/** Clients (empty maps included) at most, while `passing` clients each send one request that ends. */
function mostClients(index: SourceIndex, passing: number): number {
  let most = 0;
  for (let i = 0; i < passing; i++) {
    const e = entry(`once-${i}`, 1);
    index.set(e.src, 1, e);
    index.delete(e.src, 1, e);
    most = Math.max(most, index.clients);
  }
  return most;
}

describe('SourceIndex', () => {
  it('finds what was set and forgets what was deleted', () => {
    const index = new SourceIndex();
    const a = entry('c1', 1);
    index.set('c1', 1, a);
    expect(index.get('c1', 1)).toBe(a);
    expect(index.get('c2', 1)).toBeUndefined();
    index.delete('c1', 1, a);
    expect(index.get('c1', 1)).toBeUndefined();
  });

  it('keeps an entry whose msg_id was reused when the older one is deleted', () => {
    const index = new SourceIndex();
    const old = entry('c1', 7);
    const reused = entry('c1', 7);
    index.set('c1', 7, old);
    index.set('c1', 7, reused);
    index.delete('c1', 7, old);
    expect(index.get('c1', 7)).toBe(reused);
  });

  it('keeps few empty client maps however many clients come and go', () => {
    const index = new SourceIndex();
    const live = Array.from({ length: 10 }, (_, i) => entry(`live-${i}`, 1));
    for (const e of live) index.set(e.src, 1, e);
    // 10 clients with something live, and at most 1,024 + 1 empty maps waiting for a sweep.
    expect(mostClients(index, 50_000)).toBeLessThanOrEqual(10 + 1025);
    for (const e of live) expect(index.get(e.src, 1)).toBe(e);
  });

  it('keeps no more empty maps than live clients when there are many of those', () => {
    const index = new SourceIndex();
    for (let i = 0; i < 5000; i++) index.set(`live-${i}`, 1, entry(`live-${i}`, 1));
    expect(mostClients(index, 50_000)).toBeLessThanOrEqual(2 * 5000 + 1);
  });
});
