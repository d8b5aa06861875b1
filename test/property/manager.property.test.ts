import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../src/core/manager.js';
import type { PolicyName } from '../../src/core/policy/index.js';
import type { Allocation } from '../../src/core/model.js';
import { ReferenceCategories, ReferenceQueue, type ModelAllocation } from './reference-queue.js';
import { codeOf } from '../support/errors.js';

// Small capacities and demands, so that requests often wait, often fit, and sometimes
// can never fit; one type is named like an Object.prototype key on purpose.
const TYPES = ['cpu', '__proto__', 'gpu'] as const;
const CATEGORIES = ['heavy', 'constructor', 'light'] as const;

type Op =
  | { readonly kind: 'allocate'; readonly types: number[]; readonly units: number[] }
  | { readonly kind: 'bad_allocate'; readonly why: 'unknown' | 'duplicate' }
  | { readonly kind: 'release'; readonly pick: number; readonly byHandle: boolean }
  | { readonly kind: 'submit'; readonly category: string; readonly limit: number | undefined; readonly jobs: number }
  | { readonly kind: 'capacity'; readonly type: number; readonly units: number };

const unitsArb = fc.oneof(fc.constantFrom(500, 1000, 1500, 2000, 3000, 5000), fc.integer({ min: 1, max: 4000 }));
const capacityArb = fc.constantFrom(0, 1000, 2000, 3000, 4000, 2500);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 0, max: TYPES.length - 1 }), { minLength: 1, maxLength: TYPES.length })
      .chain((types) => fc.array(unitsArb, { minLength: types.length, maxLength: types.length }).map((units) => ({ kind: 'allocate' as const, types, units }))),
  },
  { weight: 1, arbitrary: fc.constantFrom('unknown' as const, 'duplicate' as const).map((why) => ({ kind: 'bad_allocate' as const, why })) },
  // pick >= 0 chooses among ids issued so far (live or released); -1 is an id never issued.
  // byHandle passes the allocation as granted instead of its id: the answers must not differ.
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.integer({ min: -1, max: 1000 }), byHandle: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      category: fc.constantFrom(...CATEGORIES),
      limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      jobs: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), type: fc.integer({ min: 0, max: TYPES.length - 1 }), units: capacityArb }) },
);

const configArb = fc.record({
  capacity: fc.tuple(capacityArb, capacityArb, capacityArb),
  maxBypass: fc.integer({ min: 0, max: 3 }),
  maxQueue: fc.integer({ min: 1, max: 6 }),
});

interface RunConfig {
  /** Units per type, parallel to TYPES. */
  readonly capacity: readonly number[];
  readonly maxBypass: number;
  readonly maxQueue: number;
}

/** What a manager allocation looks like in the model's terms. */
function asModel(a: { id: string; msgId: number; types: readonly number[]; units: readonly number[] }): ModelAllocation {
  return { id: a.id, msgId: a.msgId, types: [...a.types], units: [...a.units] };
}

/** Runs one random sequence against both the manager and the reference model, checking after every step. */
function run(policy: PolicyName, config: RunConfig, ops: Op[]): void {
  // Fair share among the requests of one tenant is backfill: the same model judges it.
  const modelPolicy = policy === 'drf' ? 'backfill' : policy;
  const options = policy === 'drf' ? { tenant: 'one' } : undefined;
  let issued = 0;
  const manager = new ResourceManager({
    capacity: TYPES.map((t, i) => [t, config.capacity[i]! / 1000] as const),
    clock: () => 0,
    newId: () => `a${++issued}`,
    policy,
    maxBypass: config.maxBypass,
    maxQueue: config.maxQueue,
  });
  const model = new ReferenceQueue([...config.capacity], modelPolicy, config.maxBypass, config.maxQueue);
  const categories = new ReferenceCategories(config.maxQueue);
  const ids: string[] = [];
  /** Every allocation the manager granted, by id. */
  const granted = new Map<string, Allocation>();
  const noteAllocation = (a: Allocation) => granted.set(a.id, a);
  /** msg_ids answered `queued` and not yet granted: never lost, never granted twice. */
  const pending = new Set<number>();
  const grantedOnce = new Set<number>();

  const noteGrants = (grants: ModelAllocation[], fromQueue: boolean) => {
    for (const g of grants) {
      expect(grantedOnce.has(g.msgId), `msg ${g.msgId} granted twice`).toBe(false);
      grantedOnce.add(g.msgId);
      if (fromQueue) {
        expect(pending.has(g.msgId), `msg ${g.msgId} granted from the queue but was not waiting`).toBe(true);
        pending.delete(g.msgId);
      }
      ids.push(g.id);
    }
  };

  ops.forEach((op, step) => {
    const who = { src: `c${step % 3}`, msgId: step + 1, via: 'n1' };
    switch (op.kind) {
      case 'allocate': {
        const requirements = op.types.map((t, i) => ({ type: TYPES[t]!, amount: op.units[i]! / 1000 }));
        const expected = model.allocate(who.msgId, op.types, op.units);
        if (expected.kind === 'error') {
          expect(codeOf(() => manager.allocate(who, requirements, options))).toBe(expected.code);
          break;
        }
        const outcome = manager.allocate(who, requirements, options);
        expect(outcome.kind, `allocate msg ${who.msgId}`).toBe(expected.kind);
        if (outcome.kind === 'granted') {
          // An allocation's resources are exactly what its request asked.
          expect(asModel(outcome.allocation)).toEqual({ id: expected.kind === 'granted' ? expected.id : '?', msgId: who.msgId, types: op.types, units: op.units });
          noteGrants([asModel(outcome.allocation)], false);
          noteAllocation(outcome.allocation);
        } else {
          expect({ kind: outcome.kind, reason: outcome.reason, available: [...outcome.available], required: outcome.required }).toEqual(expected);
          pending.add(who.msgId);
        }
        break;
      }
      case 'bad_allocate': {
        const requirements = op.why === 'unknown' ? [{ type: 'tpu', amount: 1 }] : [{ type: 'cpu', amount: 1 }, { type: 'cpu', amount: 1 }];
        expect(codeOf(() => manager.allocate(who, requirements))).toBe(12);
        break;
      }
      case 'release': {
        const id = op.pick < 0 || ids.length === 0 ? 'never-issued' : ids[op.pick % ids.length]!;
        const target = op.byHandle ? (granted.get(id) ?? id) : id;
        const expected = model.release(id);
        if (expected.kind === 'error') {
          expect(codeOf(() => manager.release(target))).toBe(expected.code);
          break;
        }
        const { allocation, events } = manager.release(target);
        for (const e of events) if (e.kind === 'granted') noteAllocation(e.allocation);
        // A release answers with what the allocation held (a retry too, long after it ended).
        const { msgId: _, ...held } = expected.allocation;
        expect({ id: allocation.id, types: [...allocation.types], units: [...allocation.units] }).toEqual(held);
        const grants = events.map((e) => (e.kind === 'granted' ? asModel(e.allocation) : undefined));
        expect(grants).toEqual(expected.granted);
        noteGrants(expected.granted, true);
        break;
      }
      case 'submit': {
        const expected = categories.submit(op.category, op.limit, op.jobs);
        if ('code' in expected) {
          expect(codeOf(() => manager.submitJobs(who, op.category, op.limit, op.jobs))).toBe(expected.code);
          break;
        }
        const before = manager.categoryStatus().get(op.category);
        const r = manager.submitJobs(who, op.category, op.limit, op.jobs);
        expect({ queued: r.queued, running: r.running, waiting: r.waiting, startedEarlier: r.startedEarlier.map((j) => j.id) }).toEqual(expected);
        // A category never runs more than its limit, unless the limit was lowered under what already ran.
        const after = manager.categoryStatus().get(op.category)!;
        if (after.running > after.limit) {
          expect(before).toBeDefined();
          expect(after.running).toBe(before!.running);
        }
        break;
      }
      case 'capacity': {
        const expected = model.setCapacity(op.type, op.units);
        const events = manager.setCapacity([[TYPES[op.type]!, op.units / 1000]]);
        expect(events.map((e) => (e.kind === 'granted' ? asModel(e.allocation) : undefined))).toEqual(expected);
        noteGrants(expected, true);
        break;
      }
    }
    checkInvariants(manager, model, pending, categories);
  });
}

// Checked after every step of every run: expect() runs only on a difference, which it then
// reports (a deep-equal pass under node:util implies a toEqual pass), so passing steps stay cheap.
function same(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) expect(actual, message).toBe(expected);
}
function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}

function checkInvariants(manager: ResourceManager, model: ReferenceQueue, pending: Set<number>, categories: ReferenceCategories): void {
  const ledger = manager;
  const live = [...ledger.liveAllocations()];
  for (let t = 0; t < TYPES.length; t++) {
    const capacity = ledger.capacityOf(t);
    const allocated = ledger.allocatedOf(t);
    const free = ledger.freeOf(t);
    // Amounts are exact: integer thousandths throughout.
    for (const v of [capacity, allocated, free]) same(Number.isSafeInteger(v), true);
    // allocated + free = capacity, with free clamped at 0 when capacity shrank below what is held.
    same(free, Math.max(0, capacity - allocated));
    if (allocated <= capacity) same(allocated + free, capacity);
    same(allocated, live.reduce((sum, a) => sum + a.units.reduce((s, u, i) => s + (a.types[i] === t ? u : 0), 0), 0));
    equal([capacity, allocated], [model.capacity[t], model.allocated[t]]);
  }
  equal(live.map(asModel).sort((a, b) => a.msgId - b.msgId), [...model.live.values()].sort((a, b) => a.msgId - b.msgId));
  // Every waiting request is still waiting, in arrival order, or was granted exactly once.
  const waiting = manager.waitingRequests().map((w) => w.msgId);
  equal(waiting, model.waiting.map((w) => w.msgId));
  equal(new Set(waiting), pending);
  same(manager.waiting, pending.size);
  for (const [name, c] of categories.byName) {
    equal(manager.categoryStatus().get(name), { limit: c.limit, running: c.running, waiting: c.waiting });
  }
}

const opsArb = fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' });

describe.each(['backfill', 'fifo', 'drf'] as const)('ResourceManager against the reference queue (%s)', (policy) => {
  it('grants the same requests in the same order and keeps allocated + free = capacity after every step', () => {
    fc.assert(
      fc.property(configArb, opsArb, (config, ops) => run(policy, config, ops)),
      { numRuns: 400 },
    );
  });

  it('holds under long runs of mostly allocate and release', () => {
    const busy = fc.array(
      fc.oneof(
        { weight: 1, arbitrary: opArb.filter((o) => o.kind === 'allocate') },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 1000 }).chain((pick) => fc.boolean().map((byHandle) => ({ kind: 'release' as const, pick, byHandle }))) },
      ),
      { minLength: 100, maxLength: 300 },
    );
    fc.assert(
      fc.property(configArb, busy, (config, ops) => run(policy, { ...config, maxQueue: 50 }, ops)),
      { numRuns: 60 },
    );
  });
});

describe('the starvation guard, by example', () => {
  it('passes the head over maxBypass times, then reserves what it needs', () => {
    // cpu 4: a holds 3; the head wants 2 and waits; small 1-cpu requests may pass it twice.
    const ops: Op[] = [
      { kind: 'allocate', types: [0], units: [3000] },
      { kind: 'allocate', types: [0], units: [2000] },
      { kind: 'allocate', types: [0], units: [1000] },
      { kind: 'release', pick: 1, byHandle: false },
      { kind: 'allocate', types: [0], units: [1000] },
      { kind: 'release', pick: 2, byHandle: true },
      // Passed over twice: now a later 1-cpu request must wait, since 1 free < 2 reserved + 1.
      { kind: 'allocate', types: [0], units: [1000] },
      // A request for another type is not held back by the reservation.
      { kind: 'allocate', types: [2], units: [1000] },
      // Freeing a's 3 cpus grants the head first, then the waiting 1-cpu request.
      { kind: 'release', pick: 0, byHandle: false },
    ];
    run('backfill', { capacity: [4000, 0, 1000], maxBypass: 2, maxQueue: 10 }, ops);
    let n = 0;
    const m = new ResourceManager({ capacity: [['cpu', 4], ['__proto__', 0], ['gpu', 1]], clock: () => 0, newId: () => `a${++n}`, maxBypass: 2 });
    const who = (msgId: number) => ({ src: 'c', msgId, via: 'n' });
    m.allocate(who(1), [{ type: 'cpu', amount: 3 }]);
    expect(m.allocate(who(2), [{ type: 'cpu', amount: 2 }]).kind).toBe('queued');
    expect(m.allocate(who(3), [{ type: 'cpu', amount: 1 }]).kind).toBe('granted');
    m.release('a2');
    expect(m.allocate(who(5), [{ type: 'cpu', amount: 1 }]).kind).toBe('granted');
    m.release('a3');
    const held = m.allocate(who(7), [{ type: 'cpu', amount: 1 }]);
    expect(held).toMatchObject({ kind: 'queued', reason: 'order', available: [1000], required: 1000 });
    expect(m.allocate(who(8), [{ type: 'gpu', amount: 1 }]).kind).toBe('granted');
    const { events } = m.release('a1');
    expect(events.map((e) => (e.kind === 'granted' ? e.allocation.msgId : -1))).toEqual([2, 7]);
  });

  it('with maxBypass 0 the head reserves from the start', () => {
    let n = 0;
    const m = new ResourceManager({ capacity: [['cpu', 4]], clock: () => 0, newId: () => `a${++n}`, maxBypass: 0 });
    const who = (msgId: number) => ({ src: 'c', msgId, via: 'n' });
    m.allocate(who(1), [{ type: 'cpu', amount: 3 }]);
    expect(m.allocate(who(2), [{ type: 'cpu', amount: 2 }]).kind).toBe('queued');
    // 1 cpu is free, but the head needs 2 of it: nothing may pass.
    expect(m.allocate(who(3), [{ type: 'cpu', amount: 1 }])).toMatchObject({ kind: 'queued', reason: 'order' });
    const { events } = m.release('a1');
    expect(events.map((e) => (e.kind === 'granted' ? e.allocation.msgId : -1))).toEqual([2, 3]);
  });
});
