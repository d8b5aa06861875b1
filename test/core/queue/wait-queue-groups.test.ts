import { describe, expect, it } from 'vitest';
import type { QueuedRequest } from '../../../src/core/model.js';
import { WaitQueue, groupHash } from '../../../src/core/queue/wait-queue.js';
import { waitingRequest } from '../../support/waiting-request.js';

function request(types: readonly number[], amount = 1): QueuedRequest {
  return waitingRequest(types, types.map(() => amount));
}

/** Two different type lists whose groups (priority 0) share a hash, found by search. */
function collidingTypeLists(): [number[], number[]] {
  const seen = new Map<number, number[]>();
  for (let a = 0; a < 400; a++) {
    for (let b = 0; b < 400; b++) {
      for (const types of [[a, b], [a, b, (a * 7 + b) % 400]]) {
        const h = groupHash(0, types);
        const other = seen.get(h);
        if (other !== undefined) return [other, types];
        seen.set(h, types);
      }
    }
  }
  throw new Error('no colliding type lists found');
}

describe('wait queue groups', () => {
  it('keeps apart two type lists whose groups share a hash, while they wait and after one is dropped', () => {
    const [x, y] = collidingTypeLists();
    expect(x).not.toEqual(y);
    const q = new WaitQueue();
    const wx = request(x, 2);
    const wy = request(y, 1);
    q.add(wx);
    q.add(wy);
    expect(q.toArray()).toEqual([wx, wy]);
    expect(wx.group).not.toBe(wy.group);
    const only = (types: readonly number[], amount: number): number[] => {
      const avail: number[] = [];
      for (const t of types) avail[t] = amount;
      return avail;
    };
    // x needs 2 of each of its types, y 1 of each of its own.
    expect(q.firstFitting(only(y, 1))).toBe(wy);
    expect(q.firstFitting(only(x, 2))).toBe(wx);

    // x's group empties, then enough other groups empty that the idle ones are forgotten.
    q.remove(wx);
    for (let t = 1000; t < 1100; t++) {
      const w = request([t]);
      q.add(w);
      q.remove(w);
    }
    expect(q.size).toBe(1);
    expect(q.head()).toBe(wy);
    expect(q.firstFitting(only(y, 1))).toBe(wy);
    // y's group is still found by its hash after x's, which shared it, was dropped.
    const wy2 = request(y, 1);
    q.add(wy2);
    expect(wy2.group).toBe(wy.group);
    q.remove(wy2);

    // x comes back in a group of its own again.
    const wx2 = request(x, 2);
    q.add(wx2);
    expect(q.toArray()).toEqual([wy, wx2]);
    expect(wx2.group).not.toBe(wy.group);
    // Whatever x and y share, the index answers as a walk in queue order does.
    const walk = (avail: readonly number[]): QueuedRequest | undefined => q.toArray().find((w) => w.types.every((t, i) => w.units[i]! <= (avail[t] ?? 0)));
    for (const avail of [only(x, 2), only(y, 1), only(x, 1), only(y, 2)]) expect(q.firstFitting(avail)).toBe(walk(avail));
    q.remove(wy);
    q.remove(wx2);
    expect(q.size).toBe(0);
    expect(q.head()).toBeUndefined();
  });

  it('leaves no front behind for a group dropped before its move was told to the front tree', () => {
    // The front tree hears of a group's moved first request when the front is next looked
    // for, or once 64 groups are noted; idle groups are forgotten, oldest first, once more
    // than 64 are kept. So: file g's front, empty g, and empty more than 64 groups in all
    // (some noted before g, so that the list of moved fronts stays short) before looking.
    const q = new WaitQueue();
    const low = waitingRequest([1], [1], -1);
    q.add(low);
    const gw = request([0]);
    q.add(gw);
    const g = gw.group;
    for (let t = 100; t < 110; t++) {
      const c = request([t]);
      q.add(c);
      q.remove(c);
    }
    const top = waitingRequest([2], [1], 5);
    q.add(top);
    q.remove(top);
    expect(q.head()).toBe(gw);
    const later: QueuedRequest[] = [];
    for (let t = 200; t < 255; t++) {
      const h = request([t]);
      q.add(h);
      later.push(h);
    }
    q.remove(gw);
    for (const h of later) q.remove(h);
    expect(q.head()).toBe(low);
    // g was forgotten: a request of its shape makes a new group.
    const again = request([0]);
    q.add(again);
    expect(again.group).not.toBe(g);
    expect(q.head()).toBe(again);
  });

  it('answers the same after a group has emptied and filled again many times', () => {
    const q = new WaitQueue();
    const held: QueuedRequest[] = [];
    for (let round = 0; round < 300; round++) {
      const w = request([round % 3, 3], 1 + (round % 5));
      q.add(w);
      held.push(w);
      if (held.length > 2) q.remove(held.shift()!);
      const avail = [5, 5, 5, 5];
      const expected = held.filter((h) => h.units.every((u) => u <= 5)).sort((a, b) => a.seq - b.seq)[0];
      expect(q.firstFitting(avail)).toBe(expected);
      expect(q.head()).toBe([...held].sort((a, b) => a.seq - b.seq)[0]);
    }
  });
});
