import { describe, expect, it } from 'vitest';
import type { QueuedRequest } from '../../../src/core/model.js';
import { WaitQueue, ahead } from '../../../src/core/queue/wait-queue.js';

let seq = 0;
function request(types: number[], units: number[], priority?: number): QueuedRequest {
  seq++;
  return {
    src: 'c1',
    msgId: seq,
    via: 'n1',
    seq,
    types,
    units,
    options: priority === undefined ? undefined : { priority },
    deadline: -1,
    queuedAt: 0,
    bypassed: 0,
    reserved: false,
    slot: -1,
    group: undefined,
    filedBySource: false,
    tenant: 'c',
    account: undefined,
    lane: undefined,
  };
}

const seqs = (ws: (QueuedRequest | undefined)[]) => ws.map((w) => w?.seq);

describe('WaitQueue', () => {
  it('is empty at first', () => {
    const q = new WaitQueue();
    expect(q.size).toBe(0);
    expect(q.head()).toBeUndefined();
    expect(q.firstFitting([100, 100])).toBeUndefined();
    expect(q.toArray()).toEqual([]);
  });

  it('keeps arrival order across groups of different type lists', () => {
    const q = new WaitQueue();
    const a = request([0], [5]);
    const b = request([1, 0], [1, 1]);
    const c = request([0], [1]);
    const d = request([0, 1], [1, 1]);
    for (const w of [a, b, c, d]) q.add(w);
    expect(q.size).toBe(4);
    expect(q.head()).toBe(a);
    expect(q.toArray()).toEqual([a, b, c, d]);
  });

  it('keeps finding requests of a group that empties and fills again many times (its slots array is replaced now and then)', () => {
    const q = new WaitQueue();
    const types = [0];
    for (let round = 0; round < 1000; round++) {
      // One to three requests of one shape, then all of them leave: the group empties.
      const ws = Array.from({ length: (round % 3) + 1 }, (_, i) => request(types, [i + 1]));
      for (const w of ws) q.add(w);
      expect(q.head()).toBe(ws[0]);
      expect(q.toArray()).toEqual(ws);
      expect(q.firstFitting([ws.length])).toBe(ws[0]);
      for (const w of round % 2 === 0 ? ws : [...ws].reverse()) q.remove(w);
      expect(q.size).toBe(0);
      expect(q.head()).toBeUndefined();
    }
  });

  it('head is the highest priority, then the earliest', () => {
    const q = new WaitQueue();
    const low = request([0], [1]);
    const high = request([1], [1], 5);
    const high2 = request([0], [1], 5);
    for (const w of [low, high, high2]) q.add(w);
    expect(q.head()).toBe(high);
    expect(q.toArray()).toEqual([high, high2, low]);
    expect(ahead(high, low)).toBe(true);
    expect(ahead(low, high)).toBe(false);
    expect(ahead(high, high2)).toBe(true);
  });

  it('firstFitting returns the earliest request that fits every demand', () => {
    const q = new WaitQueue();
    const big = request([0], [8]);
    const mixed = request([0, 1], [1, 4]);
    const small = request([0], [2]);
    const other = request([1], [1]);
    for (const w of [big, mixed, small, other]) q.add(w);
    expect(q.firstFitting([8, 4])).toBe(big);
    expect(q.firstFitting([7, 4])).toBe(mixed);
    expect(q.firstFitting([7, 3])).toBe(small);
    expect(q.firstFitting([1, 3])).toBe(other);
    expect(q.firstFitting([1, 0])).toBeUndefined();
    // A type missing from the free vector counts as 0 free.
    expect(q.firstFitting([2])).toBe(small);
    // Negative room (a reservation larger than free) fits nothing that needs the type.
    expect(q.firstFitting([-3, 1])).toBe(other);
  });

  it('firstFitting prefers priority over arrival', () => {
    const q = new WaitQueue();
    const early = request([0], [1]);
    const urgent = request([0], [1], 1);
    q.add(early);
    q.add(urgent);
    expect(q.firstFitting([1])).toBe(urgent);
  });

  it('removes requests, and removing twice is harmless', () => {
    const q = new WaitQueue();
    const a = request([0], [1]);
    const b = request([0], [2]);
    const c = request([1], [1]);
    for (const w of [a, b, c]) q.add(w);
    q.remove(a);
    expect(q.has(a)).toBe(false);
    expect(q.has(b)).toBe(true);
    expect(q.size).toBe(2);
    expect(q.head()).toBe(b);
    expect(q.firstFitting([1, 0])).toBeUndefined();
    q.remove(a);
    expect(q.size).toBe(2);
    q.remove(c);
    q.remove(b);
    expect(q.size).toBe(0);
    expect(q.head()).toBeUndefined();
    // A group emptied and then used again starts afresh.
    const d = request([1], [1]);
    q.add(d);
    expect(q.head()).toBe(d);
    expect(q.firstFitting([0, 1])).toBe(d);
  });

  it('grows past its first tree size and still answers in arrival order', () => {
    const q = new WaitQueue();
    const all: QueuedRequest[] = [];
    for (let i = 0; i < 100; i++) {
      const w = request([0], [100 - i]);
      all.push(w);
      q.add(w);
    }
    expect(q.size).toBe(100);
    expect(q.toArray()).toEqual(all);
    expect(q.head()).toBe(all[0]);
    expect(q.firstFitting([50])).toBe(all[50]);
    expect(q.firstFitting([1])).toBe(all[99]);
  });

  it('compacts holes when the tree fills, keeping order and slots consistent', () => {
    const q = new WaitQueue();
    const live: QueuedRequest[] = [];
    // Fill 16 slots, drop most of them, then keep appending: the group squeezes out holes.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 16; i++) {
        const w = request([0], [(round * 16 + i) % 7 + 1]);
        q.add(w);
        live.push(w);
      }
      for (const w of live.splice(0, live.length - 3)) q.remove(w);
    }
    expect(q.size).toBe(3);
    expect(q.toArray()).toEqual(live);
    expect(q.head()).toBe(live[0]);
    for (const w of live) expect(q.has(w)).toBe(true);
    const smallest = Math.min(...live.map((w) => w.units[0]!));
    expect(q.firstFitting([smallest])).toBe(live.find((w) => w.units[0] === smallest));
    expect(q.firstFitting([smallest - 1])).toBeUndefined();
  });

  it('agrees with a plain array on random adds, removes and searches', () => {
    let s = 99;
    const rand = (n: number) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    const typeLists = [[0], [1], [0, 1], [1, 0], [2, 0]];
    const q = new WaitQueue();
    let model: QueuedRequest[] = [];
    for (let step = 0; step < 4000; step++) {
      if (model.length > 0 && rand(3) === 0) {
        const w = model[rand(model.length)]!;
        q.remove(w);
        model = model.filter((m) => m !== w);
      } else {
        const types = typeLists[rand(typeLists.length)]!;
        const w = request(types, types.map(() => rand(6) + 1));
        q.add(w);
        model.push(w);
      }
      const avail = [rand(8), rand(8), rand(8)];
      const expected = model.find((w) => w.types.every((t, i) => w.units[i]! <= avail[t]!));
      expect(q.firstFitting(avail)).toBe(expected);
      expect(q.head()).toBe(model[0]);
      expect(q.size).toBe(model.length);
    }
    expect(seqs(q.toArray())).toEqual(seqs(model));
  });
});
