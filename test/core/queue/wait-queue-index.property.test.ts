import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import type { QueuedRequest } from '../../../src/core/model.js';
import { waitingRequest } from '../../support/waiting-request.js';
import { WaitQueue, ahead } from '../../../src/core/queue/wait-queue.js';

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

function request(d: Demand): QueuedRequest {
  return waitingRequest(d.types, d.types.map((_, i) => d.amounts[i]!), d.priority);
}

function fits(w: QueuedRequest, avail: readonly number[]): boolean {
  return w.types.every((t, i) => w.units[i]! <= (avail[t] ?? 0));
}

function inOrder(live: readonly QueuedRequest[]): QueuedRequest[] {
  return [...live].sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
}

/** Takes what `w` holds from `avail`. */
function take(avail: number[], w: QueuedRequest): void {
  w.types.forEach((t, i) => (avail[t] = (avail[t] ?? 0) - w.units[i]!));
}

/**
 * A whole drain twice: by the index (the earliest fitting request, removed, until none
 * fits; `avail` shrinks as it goes) and by a plain walk in queue order over `live`.
 */
function drainBoth(q: WaitQueue, live: readonly QueuedRequest[], avail: number[]): { granted: QueuedRequest[]; expected: QueuedRequest[] } {
  const expected: QueuedRequest[] = [];
  const walkAvail = [...avail];
  for (const w of inOrder(live)) {
    if (!fits(w, walkAvail)) continue;
    expected.push(w);
    take(walkAvail, w);
  }
  const granted: QueuedRequest[] = [];
  for (let w = q.firstFitting(avail); w !== undefined; w = q.firstFitting(avail)) {
    q.remove(w);
    granted.push(w);
    take(avail, w);
  }
  return { granted, expected };
}

describe('the wait queue index against a plain walk', () => {
  it('head, firstFitting, toArray and a whole drain agree on random histories', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), (ops) => {
        const q = new WaitQueue();
        let live: QueuedRequest[] = [];
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
            const { granted, expected } = drainBoth(q, live, [...o.avail]);
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
        let live: QueuedRequest[] = [];
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

describe('the wait queue index on complementary demands', () => {
  // Every request has some demands that fit what a release frees and at least one that
  // does not, and different requests are short of different types: the filing of each
  // request under one type it is blocked on must never hide a request that fits.
  const TYPES = [0, 1, 2, 3];
  const shaped = fc.record({
    types: fc.shuffledSubarray(TYPES, { minLength: 2, maxLength: 4 }),
    small: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
    big: fc.array(fc.integer({ min: 5, max: 12 }), { minLength: 4, maxLength: 4 }),
    bigAt: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    priority: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  });
  const freed = fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 4, maxLength: 4 });
  type Step =
    | { kind: 'add'; s: typeof shaped extends fc.Arbitrary<infer T> ? T : never }
    | { kind: 'remove'; pick: number }
    | { kind: 'release'; v: number[]; reserve: number[] | null }
    | { kind: 'take'; v: number[] };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: shaped.map((s) => ({ kind: 'add' as const, s })) },
    { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
    {
      weight: 3,
      arbitrary: fc.record({ v: freed, reserve: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), { freq: 3 }) }).map((r) => ({ kind: 'release' as const, ...r })),
    },
    { weight: 2, arbitrary: freed.map((v) => ({ kind: 'take' as const, v })) },
  );

  it('drains after multi-type releases exactly as a plain walk does', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), (steps) => {
        const q = new WaitQueue();
        let live: QueuedRequest[] = [];
        const free = [0, 0, 0, 0];
        for (const st of steps) {
          if (st.kind === 'add') {
            const { types, small, big, bigAt, priority } = st.s;
            // At least one demand is big; which ones differs from request to request.
            const isBig = types.map((t, i) => bigAt[t]! || i === types.length - 1);
            const amounts = types.map((t, i) => (isBig[i] ? big[t]! : small[t]!));
            const w = request({ types, amounts, priority });
            q.add(w);
            live.push(w);
          } else if (st.kind === 'remove') {
            if (live.length === 0) continue;
            const w = live[st.pick % live.length]!;
            q.remove(w);
            live = live.filter((x) => x !== w);
          } else if (st.kind === 'take') {
            // Free goes down again (taken by a request nobody waits behind).
            st.v.forEach((x, t) => (free[t] = Math.max(0, free[t]! - x)));
          } else {
            // A release of several types, then the drain; optionally with part of free set
            // aside (as the starvation guard does), which may leave an entry negative.
            st.v.forEach((x, t) => (free[t] = free[t]! + x));
            const { granted, expected } = drainBoth(q, live, free.map((x, t) => x - (st.reserve?.[t] ?? 0)));
            for (const w of granted) take(free, w);
            expect(granted).toEqual(expected);
            live = live.filter((w) => !granted.includes(w));
            expect(q.head()).toBe(inOrder(live)[0]);
          }
          // Asking again with what is free, or with less, changes nothing.
          const ordered = inOrder(live);
          expect(q.firstFitting(free)).toBe(ordered.find((w) => fits(w, free)));
          const less = free.map((x) => x - 1);
          expect(q.firstFitting(less)).toBe(ordered.find((w) => fits(w, less)));
        }
        expect(q.size).toBe(live.length);
        expect(q.toArray()).toEqual(inOrder(live));
      }),
      { numRuns: 300 },
    );
  });

  it('finds a request whose blocked type frees up, whatever it was filed under before', () => {
    const q = new WaitQueue();
    // a is short of type 0, b of type 1; the first release fits the other demand of each.
    const a = request({ types: [0, 1], amounts: [9, 1, 0], priority: 0 });
    const b = request({ types: [1, 0], amounts: [9, 1, 0], priority: 0 });
    q.add(a);
    q.add(b);
    expect(q.firstFitting([1, 1])).toBeUndefined();
    expect(q.firstFitting([8, 8])).toBeUndefined();
    expect(q.firstFitting([1, 9])).toBe(b);
    expect(q.firstFitting([9, 1])).toBe(a);
    expect(q.firstFitting([9, 9])).toBe(a);
    q.remove(a);
    expect(q.firstFitting([9, 9])).toBe(b);
    expect(q.firstFitting([0, 9])).toBeUndefined();
  });
});

describe('the wait queue index with many priority levels', () => {
  // Requests have priorities from -spread to spread (each run draws its spread, so some
  // queues have one level and some have up to 81), and searches mostly come with less
  // room than the one before, as in a drain: the candidates a search keeps for the next
  // one must never leave out a request that fits, whether requests came, went or room
  // grew in between.
  const levelled = (spread: number) =>
    fc.record({
      types: fc.shuffledSubarray([0, 1, 2], { minLength: 1, maxLength: 3 }),
      amounts: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }),
      priority: fc.integer({ min: -spread, max: spread }),
    });
  const cut = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 });
  type Step =
    | { kind: 'add'; d: Demand }
    | { kind: 'remove'; pick: number }
    | { kind: 'less'; cut: number[] }
    | { kind: 'room'; avail: number[] }
    | { kind: 'drain' };
  const step = (spread: number): fc.Arbitrary<Step> =>
    fc.oneof(
      { weight: 6, arbitrary: levelled(spread).map((d) => ({ kind: 'add' as const, d })) },
      { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
      { weight: 4, arbitrary: cut.map((c) => ({ kind: 'less' as const, cut: c })) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }).map((avail) => ({ kind: 'room' as const, avail })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
    );
  // Long histories (fast-check keeps arrays to about ten items unless told): the queue must
  // fill, and its front must leave while its group holds more.
  const history = fc.integer({ min: 0, max: 40 }).chain((spread) => fc.array(step(spread), { minLength: 1, maxLength: 300, size: 'large' }));

  it('head, firstFitting and drains agree with a plain walk', () => {
    fc.assert(
      fc.property(history, (steps) => {
        const q = new WaitQueue();
        let live: QueuedRequest[] = [];
        let avail = [6, 6, 6];
        for (const st of steps) {
          if (st.kind === 'add') {
            const w = request(st.d);
            q.add(w);
            live.push(w);
          } else if (st.kind === 'remove') {
            if (live.length === 0) continue;
            const w = live[st.pick % live.length]!;
            q.remove(w);
            live = live.filter((x) => x !== w);
          } else if (st.kind === 'less') {
            avail = avail.map((x, t) => x - st.cut[t]!);
          } else if (st.kind === 'room') {
            avail = st.avail;
          } else {
            const { granted, expected } = drainBoth(q, live, avail);
            expect(granted).toEqual(expected);
            live = live.filter((w) => !granted.includes(w));
          }
          const ordered = inOrder(live);
          expect(q.head()).toBe(ordered[0]);
          expect(q.firstFitting(avail)).toBe(ordered.find((w) => fits(w, avail)));
        }
        expect(q.size).toBe(live.length);
        expect(q.toArray()).toEqual(inOrder(live));
      }),
      { numRuns: 200 },
    );
  });
});

/** The grants the protocol's drain asks for: a walk in queue order with the starvation guard. */
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
  const names = ['cpu', 'memory', 'gpu', 'disk'];
  // Amounts are mostly small with some large, so that many waiting requests fit part of
  // a multi-type release and different ones are short of different types.
  const amount = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: 4, max: 7 }) });
  const allocation = fc.record({
    types: fc.shuffledSubarray(names, { minLength: 1, maxLength: 4 }),
    amounts: fc.array(amount, { minLength: 4, maxLength: 4 }),
    priority: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  });
  const step = fc.oneof({ weight: 3, arbitrary: allocation.map((a) => ({ kind: 'allocate' as const, a })) }, { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) });

  it('grants, after every release, exactly what the reference walk grants', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 4 }), (steps, maxBypass) => {
        let n = 0;
        const m = new ResourceManager({ capacity: [['cpu', 8], ['memory', 8], ['gpu', 4], ['disk', 8]], clock: () => 0, newId: () => `a${++n}`, maxBypass });
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
            need: new Map(w.types.map((t, i) => [m.types.name(t), w.units[i]!])),
            reserved: (w as QueuedRequest).reserved,
            bypassed: (w as QueuedRequest).bypassed,
          }));
          const released = m.allocation(id)!;
          const free = new Map(names.map((t, i) => [t, m.freeOf(i)]));
          released.types.forEach((t, i) => free.set(m.types.name(t), free.get(m.types.name(t))! + released.units[i]!));
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
