import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../src/ledger/manager.js';
import type { WaitingRequest } from '../../src/ledger/types.js';
import { WaitQueue, ahead } from '../../src/ledger/wait-queue.js';

// The queue index (groups, type masks, min trees, the cached front) must give exactly
// what a plain walk over every waiting request in queue order gives.

/** Type indices used: a few small ones and one too large for a mask bit. */
const TYPE_POOL = [0, 1, 2, 3, 31];

const demand = fc.record({
  types: fc.shuffledSubarray(TYPE_POOL, { minLength: 1, maxLength: 3 }),
  // Mostly small, some zero (the library does not forbid it), some large.
  amounts: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 13, max: 1000 }) }), {
    minLength: 3,
    maxLength: 3,
  }),
  priority: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 }) }),
});

type Demand = typeof demand extends fc.Arbitrary<infer T> ? T : never;

const availVector = fc.array(fc.oneof(fc.integer({ min: 0, max: 15 }), fc.constant(0), fc.integer({ min: -3, max: -1 })), { minLength: 0, maxLength: 32 });

type Op = { kind: 'add'; d: Demand } | { kind: 'remove'; pick: number } | { kind: 'check'; avail: number[] } | { kind: 'drain'; avail: number[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: demand.map((d) => ({ kind: 'add' as const, d })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
  { weight: 2, arbitrary: availVector.map((avail) => ({ kind: 'check' as const, avail })) },
  { weight: 1, arbitrary: availVector.map((avail) => ({ kind: 'drain' as const, avail })) },
);

let seq = 0;
function request(d: Demand): WaitingRequest {
  seq++;
  return {
    src: 'c',
    msgId: seq,
    via: 'n',
    seq,
    types: d.types,
    units: d.types.map((_, i) => d.amounts[i]!),
    options: d.priority === 0 ? undefined : { priority: d.priority },
    deadline: -1,
    bypassed: 0,
    reserved: false,
    slot: -1,
    group: undefined,
  };
}

function fits(w: WaitingRequest, avail: readonly number[]): boolean {
  return w.types.every((t, i) => w.units[i]! <= (avail[t] ?? 0));
}

function inOrder(live: WaitingRequest[]): WaitingRequest[] {
  return [...live].sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
}

describe('the wait queue index against a plain walk', () => {
  it('head, firstFitting, toArray and a whole drain agree on random histories', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), (ops) => {
        const q = new WaitQueue();
        let live: WaitingRequest[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const w = request(o.d);
            q.add(w);
            live.push(w);
          } else if (o.kind === 'remove') {
            if (live.length === 0) continue;
            const w = live[o.pick % live.length]!;
            q.remove(w);
            expect(q.has(w)).toBe(false);
            live = live.filter((x) => x !== w);
          } else if (o.kind === 'check') {
            const ordered = inOrder(live);
            expect(q.size).toBe(live.length);
            expect(q.head()).toBe(ordered[0]);
            expect(q.firstFitting(o.avail)).toBe(ordered.find((w) => fits(w, o.avail)));
          } else {
            // The drain: take the earliest fitting request until none fits, shrinking avail.
            const avail = [...o.avail];
            const expected: WaitingRequest[] = [];
            const walkAvail = [...o.avail];
            for (const w of inOrder(live)) {
              if (!fits(w, walkAvail)) continue;
              expected.push(w);
              w.types.forEach((t, i) => (walkAvail[t] = (walkAvail[t] ?? 0) - w.units[i]!));
            }
            const granted: WaitingRequest[] = [];
            for (let w = q.firstFitting(avail); w !== undefined; w = q.firstFitting(avail)) {
              q.remove(w);
              granted.push(w);
              w.types.forEach((t, i) => (avail[t] = (avail[t] ?? 0) - w.units[i]!));
            }
            expect(granted).toEqual(expected);
            live = live.filter((w) => !granted.includes(w));
          }
        }
        expect(q.toArray()).toEqual(inOrder(live));
      }),
      { numRuns: 300 },
    );
  });

  it('groups grow past their first tree and compact their holes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.boolean()), { minLength: 50, maxLength: 600 }), (steps) => {
        const q = new WaitQueue();
        let live: WaitingRequest[] = [];
        for (const [amount, removeOldest] of steps) {
          const w = request({ types: [0, 1], amounts: [amount, 10 - amount, 0], priority: 0 });
          q.add(w);
          live.push(w);
          if (removeOldest && live.length > 1) {
            q.remove(live[0]!);
            live = live.slice(1);
          }
          const avail = [amount, 10 - amount];
          expect(q.firstFitting(avail)).toBe(inOrder(live).find((x) => fits(x, avail)));
        }
        expect(q.toArray()).toEqual(inOrder(live));
      }),
      { numRuns: 100 },
    );
  });
});

/** The grants SPEC section 5 asks for: a walk in queue order with the starvation guard. */
function referenceDrain(waiting: { msgId: number; need: Map<string, number>; reserved: boolean; bypassed: number }[], free: Map<string, number>, maxBypass: number): number[] {
  const granted: number[] = [];
  let head: (typeof waiting)[number] | undefined;
  for (const w of waiting) {
    const reserve = head?.reserved === true ? head.need : undefined;
    const fitsNow = [...w.need].every(([t, u]) => u <= (free.get(t) ?? 0) - (reserve?.get(t) ?? 0));
    if (!fitsNow) {
      head ??= w;
      continue;
    }
    granted.push(w.msgId);
    for (const [t, u] of w.need) free.set(t, free.get(t)! - u);
    if (head !== undefined) {
      head.bypassed++;
      if (head.bypassed >= maxBypass) head.reserved = true;
    }
  }
  return granted;
}

describe('ResourceManager drains as a plain walk would', () => {
  const names = ['cpu', 'memory', 'gpu'];
  const allocation = fc.record({
    types: fc.shuffledSubarray(names, { minLength: 1, maxLength: 3 }),
    amounts: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 3 }),
    priority: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  });
  const step = fc.oneof({ weight: 3, arbitrary: allocation.map((a) => ({ kind: 'allocate' as const, a })) }, { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) });

  it('grants, after every release, exactly what the reference walk grants', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 4 }), (steps, maxBypass) => {
        let n = 0;
        const m = new ResourceManager({ capacity: [['cpu', 8], ['memory', 8], ['gpu', 4]], clock: () => 0, newId: () => `a${++n}`, maxBypass });
        const held: string[] = [];
        let msgId = 0;
        for (const s of steps) {
          if (s.kind === 'allocate') {
            const requirements = s.a.types.map((type, i) => ({ type, amount: s.a.amounts[i]! }));
            const o = m.allocate({ src: 'c', msgId: ++msgId, via: 'n' }, requirements, s.a.priority === 0 ? undefined : { priority: s.a.priority });
            if (o.kind === 'granted') held.push(o.allocation.id);
            continue;
          }
          if (held.length === 0) continue;
          const id = held.splice(s.pick % held.length, 1)[0]!;
          // Snapshot the queue and what will be free, then compare the walk with the drain.
          const waiting = m.waitingRequests().map((w) => ({
            msgId: w.msgId,
            need: new Map(w.types.map((t, i) => [m.ledger.types.name(t), w.units[i]!])),
            reserved: w.reserved,
            bypassed: w.bypassed,
          }));
          const released = m.ledger.get(id)!;
          const free = new Map(names.map((t, i) => [t, m.ledger.freeOf(i)]));
          released.types.forEach((t, i) => free.set(m.ledger.types.name(t), free.get(m.ledger.types.name(t))! + released.units[i]!));
          const expected = referenceDrain(waiting, free, maxBypass);
          const { events } = m.release(id);
          const grants = events.flatMap((e) => (e.kind === 'granted' ? [e.allocation] : []));
          expect(grants.map((a) => a.msgId)).toEqual(expected);
          for (const a of grants) held.push(a.id);
        }
      }),
      { numRuns: 300 },
    );
  });
});
