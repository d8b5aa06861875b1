import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import type { OwedEvent } from '../../src/core/events.js';
import { ResourceManager, type TenantView } from '../../src/core/manager.js';
import type { Allocation } from '../../src/core/model.js';
import { ReferenceDrf, type DrfAllocation, type DrfPolicy, type DrfView, type TenantSettingsUnits } from './reference-drf.js';

// Three types with small capacities, so requests often wait, often fit, and sometimes never
// can; a few tenants with weights and sometimes quotas; priorities from a small set.
const TYPES = ['cpu', 'memory', 'gpu'] as const;
const TENANTS = ['t0', 't1', 't2', 't3', 't4'] as const;

type Op =
  | { readonly kind: 'allocate'; readonly tenant: number; readonly named: boolean; readonly priority: number; readonly types: number[]; readonly units: number[] }
  | { readonly kind: 'release'; readonly pick: number; readonly ended: boolean }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'capacity'; readonly type: number; readonly units: number }
  | { readonly kind: 'set_tenant'; readonly tenant: number; readonly weight: number | undefined; readonly quota: [number, number][] | undefined };

const unitsArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(500, 1000, 1000, 2000, 3000) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4000 }) });
const capacityArb = fc.constantFrom(0, 3000, 4000, 6000, 6000, 8000);
const weightArb = fc.integer({ min: 500, max: 3000 }).map((w) => w / 1000);
/** [type, units] pairs, at most one per type; sometimes none (which removes a quota). */
const quotaArb = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: TYPES.length - 1 }), fc.constantFrom(0, 1000, 2000, 3000, 4500, 4500, 6000, 8000)), { maxLength: TYPES.length, selector: ([t]) => t });

const opArb = (quotas: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('allocate' as const),
        tenant: fc.integer({ min: 0, max: TENANTS.length - 1 }),
        named: fc.boolean(),
        priority: fc.constantFrom(0, 0, 0, 1, 2, -1),
        demand: fc
          .uniqueArray(fc.integer({ min: 0, max: TYPES.length - 1 }), { minLength: 1, maxLength: TYPES.length })
          .chain((types) => fc.array(unitsArb, { minLength: types.length, maxLength: types.length }).map((units) => ({ types, units }))),
      }).map(({ demand, ...r }) => ({ ...r, ...demand })),
    },
    // pick >= 0 chooses a live allocation, or (`ended`) among every id issued so far; -1 is an id never issued.
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.integer({ min: -1, max: 1000 }), ended: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.integer({ min: 0, max: 1000 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('capacity' as const), type: fc.integer({ min: 0, max: TYPES.length - 1 }), units: capacityArb }) },
    {
      weight: quotas,
      arbitrary: fc.record({
        kind: fc.constant('set_tenant' as const),
        tenant: fc.integer({ min: 0, max: TENANTS.length - 1 }),
        weight: fc.option(weightArb, { nil: undefined }),
        quota: fc.option(quotaArb, { nil: undefined }),
      }),
    },
  );

interface RunConfig {
  /** Units per type, parallel to TYPES. */
  readonly capacity: readonly number[];
  /** Tenants in use: the first this many of TENANTS. */
  readonly tenants: number;
  /** Settings given to the manager at the start, by tenant. */
  readonly settings: readonly (readonly [string, TenantSettingsUnits])[];
  readonly maxBypass: number;
  readonly maxQueue: number;
}

const configArb = (quotaChance: number): fc.Arbitrary<RunConfig> =>
  fc
    .record({
      capacity: fc.tuple(capacityArb, capacityArb, capacityArb),
      tenants: fc.integer({ min: 2, max: TENANTS.length }),
      settings: fc.array(
        fc.record({
          weight: fc.option(weightArb, { nil: undefined, freq: 2 }),
          quota: fc.option(quotaArb, { nil: undefined, freq: quotaChance }),
        }),
        { minLength: TENANTS.length, maxLength: TENANTS.length },
      ),
      configured: fc.array(fc.boolean(), { minLength: TENANTS.length, maxLength: TENANTS.length }),
      maxBypass: fc.integer({ min: 0, max: 3 }),
      maxQueue: fc.integer({ min: 3, max: 30 }),
    })
    .map(({ settings, configured, ...c }) => ({
      ...c,
      settings: settings.flatMap((s, i) => (configured[i] && i < c.tenants ? [[TENANTS[i]!, s] as const] : [])),
    }));

/** A manager's answer, or its refusal as the model words one. */
function attempt<T>(f: () => T): T | { kind: 'refused'; error: string; text: string } {
  try {
    return f();
  } catch (e) {
    if (e instanceof CoreError) return { kind: 'refused', error: e.kind, text: e.message };
    throw e;
  }
}

function asModel(a: Allocation): DrfAllocation {
  return { id: a.id, msgId: a.msgId, src: a.src, tenant: a.tenant, priority: a.priority, types: [...a.types], units: [...a.units] };
}

/** The allocations granted among `events`, in order (anything else shows as its kind). */
function grants(events: readonly OwedEvent[]): (DrfAllocation | string)[] {
  return events.map((e) => (e.kind === 'granted' ? asModel(e.allocation) : e.kind));
}

function asView(v: TenantView): DrfView {
  return { name: v.name, weight: v.weight, quota: v.quota.map(([t, u]) => [t, u]), held: v.held.map(([t, u]) => [t, u]), dominantShare: v.dominantShare, queued: v.queued };
}

const wire = (quota: readonly (readonly [number, number])[] | undefined) => quota?.map(([t, u]) => [TYPES[t]!, u / 1000] as const);

// expect() only on a difference, so passing steps stay cheap (a deep-equal pass under
// node:util implies a toEqual pass).
function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}

/**
 * The manager and the model side by side: every call goes to both, and their answers and
 * states must agree after it. Returns the model's answer.
 */
class Twin {
  readonly manager: ResourceManager;
  readonly model: ReferenceDrf;
  private issued = 0;
  private msgId = 0;

  constructor(policy: DrfPolicy, config: RunConfig) {
    this.manager = new ResourceManager({
      capacity: TYPES.map((t, i) => [t, config.capacity[i]! / 1000] as const),
      clock: () => 0,
      newId: () => `a${++this.issued}`,
      policy,
      maxBypass: config.maxBypass,
      maxQueue: config.maxQueue,
      tenants: config.settings.map(([name, s]) => [name, { weight: s.weight, quota: wire(s.quota) }] as const),
    });
    this.model = new ReferenceDrf({ types: TYPES, capacity: config.capacity, policy, maxBypass: config.maxBypass, maxQueue: config.maxQueue, tenants: config.settings });
  }

  /** Allocates as `src`, for `tenant` when given (else the tenant is `src`). */
  allocate(src: string, tenant: string | undefined, priority: number, types: number[], units: number[]) {
    const msgId = ++this.msgId;
    const requirements = types.map((t, i) => ({ type: TYPES[t]!, amount: units[i]! / 1000 }));
    const outcome = attempt(() => this.manager.allocate({ src, msgId, via: 'n1' }, requirements, { priority, tenant }));
    const expected = this.model.allocate(msgId, src, tenant, priority, types, units);
    const at = `allocate msg ${msgId}`;
    if (outcome.kind === 'granted') {
      equal({ kind: 'granted', id: outcome.allocation.id }, expected, at);
      equal(asModel(outcome.allocation), this.model.live.find((a) => a.id === outcome.allocation.id), at);
    } else if (outcome.kind === 'queued') {
      equal({ kind: 'queued', reason: outcome.reason, available: [...outcome.available], required: outcome.required }, expected, at);
    } else {
      equal(expected.kind === 'refused' && expected.text === undefined ? { kind: outcome.kind, error: outcome.error } : outcome, expected, at);
    }
    this.check();
    return { msgId, expected };
  }

  release(id: string) {
    const r = attempt(() => this.manager.release(id));
    const expected = this.model.release(id);
    if ('error' in expected) equal('kind' in r ? r.error : 'released', expected.error, `release ${id}`);
    else if ('kind' in r) equal(r, expected, `release ${id}`);
    else {
      equal({ id: r.allocation.id, types: [...r.allocation.types], units: [...r.allocation.units] }, { id, types: expected.allocation.types, units: expected.allocation.units });
      equal(grants(r.events), expected.granted, `grants after release ${id}`);
    }
    this.check();
    return expected;
  }

  cancel(src: string, msgId: number) {
    const r = attempt(() => this.manager.cancel(src, msgId));
    const expected = this.model.cancel(src, msgId);
    if ('error' in expected) equal('kind' in r ? r.error : 'cancelled', expected.error, `cancel ${msgId}`);
    else equal('kind' in r ? r : grants(r.events), expected.granted, `grants after cancel ${msgId}`);
    this.check();
    return expected;
  }

  setCapacity(type: number, units: number) {
    const events = this.manager.setCapacity([[TYPES[type]!, units / 1000]]);
    const expected = this.model.setCapacity(type, units);
    equal(grants(events), expected, `grants after capacity ${TYPES[type]} ${units}`);
    this.check();
    return expected;
  }

  setTenant(name: string, settings: TenantSettingsUnits) {
    const r = this.manager.setTenant(name, { weight: settings.weight, quota: wire(settings.quota) });
    const expected = this.model.setTenant(name, settings);
    const { name: n, weight, quota } = asView(r.view);
    equal({ name: n, weight, quota }, { name, weight: expected.view.weight, quota: expected.view.quota }, `set_tenant ${name}`);
    equal(grants(r.events), expected.granted, `grants after set_tenant ${name}`);
    this.check();
    return expected;
  }

  /** Free, capacity and holdings per type, live allocations, the waiting queue and every tenant listed. */
  check(): void {
    const { manager, model } = this;
    const perType = (f: (t: number) => number) => TYPES.map((_, t) => f(t));
    equal(
      { capacity: perType((t) => manager.capacityOf(t)), allocated: perType((t) => manager.allocatedOf(t)), free: perType((t) => manager.freeOf(t)) },
      { capacity: model.capacity, allocated: model.allocated, free: perType((t) => model.free(t)) },
    );
    const byMsg = (a: DrfAllocation, b: DrfAllocation) => a.msgId - b.msgId;
    equal([...manager.liveAllocations()].map(asModel).sort(byMsg), [...model.live].sort(byMsg));
    // The queue in its own order: priority, then arrival.
    const waiting = [...model.waiting].sort((a, b) => b.priority - a.priority || a.msgId - b.msgId);
    equal(
      manager.waitingRequests().map((w) => [w.msgId, w.tenant]),
      waiting.map((w) => [w.msgId, w.tenant]),
    );
    equal(
      manager
        .tenantViews()
        ?.map(asView)
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
      model.views(),
      'tenant views',
    );
  }
}

/** Runs one random sequence against both the manager and the reference model, checking after every step. */
function run(policy: DrfPolicy, config: RunConfig, ops: Op[]): void {
  const twin = new Twin(policy, config);
  const ids: string[] = [];
  const asked: { src: string; msgId: number }[] = [];
  const note = (granted: DrfAllocation[]) => granted.forEach((a) => ids.push(a.id));
  const tenant = (i: number) => TENANTS[i % config.tenants]!;
  ops.forEach((op, step) => {
    switch (op.kind) {
      case 'allocate': {
        // Named by a `tenant` field from one of three clients, or by its src alone.
        const src = op.named ? `c${step % 3}` : tenant(op.tenant);
        const { msgId, expected } = twin.allocate(src, op.named ? tenant(op.tenant) : undefined, op.priority, op.types, op.units);
        asked.push({ src, msgId });
        if (expected.kind === 'granted') ids.push(expected.id);
        break;
      }
      case 'release': {
        const from = op.ended || twin.model.live.length === 0 ? ids : twin.model.live.map((a) => a.id);
        const r = twin.release(op.pick < 0 || from.length === 0 ? 'never-issued' : from[op.pick % from.length]!);
        if ('granted' in r) note(r.granted);
        break;
      }
      case 'cancel': {
        if (asked.length === 0) break;
        const { src, msgId } = asked[op.pick % asked.length]!;
        const r = twin.cancel(src, msgId);
        if ('granted' in r) note(r.granted);
        break;
      }
      case 'capacity':
        note(twin.setCapacity(op.type, op.units));
        break;
      case 'set_tenant':
        note(twin.setTenant(tenant(op.tenant), { weight: op.weight, quota: op.quota }).granted);
        break;
    }
  });
}

const busy = (quotas: number) =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: opArb(quotas) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 1000 }).map((pick) => ({ kind: 'release' as const, pick, ended: false })) },
    ),
    { minLength: 100, maxLength: 250 },
  );

describe('ResourceManager against the reference model of fair share (drf)', () => {
  it('answers, grants, frees and lists tenants as the model does after every step', () => {
    fc.assert(
      fc.property(configArb(1), fc.array(opArb(2), { minLength: 1, maxLength: 60, size: 'max' }), (config, ops) => run('drf', config, ops)),
      { numRuns: 300 },
    );
  });

  it('holds under long runs with deep queues', () => {
    fc.assert(
      fc.property(configArb(1), busy(2), (config, ops) => run('drf', { ...config, maxQueue: 60 }, ops)),
      { numRuns: 40 },
    );
  });
});

describe.each(['backfill', 'fifo'] as const)('ResourceManager against the reference model, %s with quotas', (policy) => {
  it('answers, grants, frees and lists tenants as the model does after every step', () => {
    fc.assert(
      fc.property(configArb(3), fc.array(opArb(2), { minLength: 1, maxLength: 60, size: 'max' }), (config, ops) => run(policy, config, ops)),
      { numRuns: 200 },
    );
  });
});

describe('fair share by hand', () => {
  const who = (name: string) => [name, undefined, 0] as const;

  it("grants the paper's example: A three tasks, B two, both dominant shares 2/3", () => {
    // Ghodsi et al., NSDI 2011: 9 cpu, 18 GB; A's tasks <1 cpu, 4 GB> (memory-dominant), B's <3 cpu, 1 GB> (cpu-dominant).
    const twin = new Twin('drf', { capacity: [9000, 18000, 0], tenants: 2, settings: [], maxBypass: 100, maxQueue: 100 });
    const holder = twin.allocate(...who('holder'), [0, 1], [9000, 18000]).expected;
    for (let i = 0; i < 4; i++) {
      twin.allocate(...who('A'), [0, 1], [1000, 4000]);
      twin.allocate(...who('B'), [0, 1], [3000, 1000]);
    }
    if (holder.kind !== 'granted') throw new Error('the holder holds everything');
    const r = twin.release(holder.id);
    if (!('granted' in r)) throw new Error('released');
    // Least share first, ties to the earlier request: A and B at 0 (A's is earlier), B at 0,
    // A at 2/9 (B 1/3), B at 1/3 (A 4/9), A at 4/9 (B 2/3); then no cpu is left.
    expect(r.granted.map((a) => a.tenant)).toEqual(['A', 'B', 'A', 'B', 'A']);
    const views = twin.manager.tenantViews()!;
    const share = (n: string) => views.find((v) => v.name === n)!.dominantShare;
    expect(share('A')).toBe(12000 / 18000);
    expect(share('B')).toBe(6000 / 9000);
    expect(share('A')).toBe(share('B'));
    // The holder, idle now, is no longer listed.
    expect(views.map((v) => [v.name, v.queued])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });

  it('weights divide shares: A of weight 2 gets eight <1 cpu, 1 GB> tasks, B two <1 cpu, 4 GB>, both at weighted share 0.4', () => {
    // 10 cpu, 20 GB. A's task is cpu-dominant (0.1, weighted 0.05), B's memory-dominant (0.2).
    const twin = new Twin('drf', { capacity: [10000, 20000, 0], tenants: 2, settings: [['A', { weight: 2 }]], maxBypass: 100, maxQueue: 100 });
    const holder = twin.allocate(...who('holder'), [0, 1], [10000, 20000]).expected;
    for (let i = 0; i < 10; i++) {
      twin.allocate(...who('A'), [0, 1], [1000, 1000]);
      twin.allocate(...who('B'), [0, 1], [1000, 4000]);
    }
    if (holder.kind !== 'granted') throw new Error('the holder holds everything');
    const r = twin.release(holder.id);
    if (!('granted' in r)) throw new Error('released');
    // The weighted share of the tenant granted, before each grant: A 0 (= B 0, A's earlier),
    // B 0, A .05, A .1, A .15, B .2 (= A .2, B's waiting task is earlier), A .2, A .25, A .3,
    // A .35; then no cpu is left.
    expect(r.granted.map((a) => a.tenant).join('')).toBe('ABAAABAAAA');
    const views = new Map(twin.manager.tenantViews()!.map((v) => [v.name, v]));
    expect(views.get('A')).toMatchObject({ weight: 2, held: [[0, 8000], [1, 8000]], dominantShare: 0.8, queued: 2 });
    expect(views.get('B')).toMatchObject({ weight: 1, held: [[0, 2000], [1, 8000]], dominantShare: 0.4, queued: 8 });
  });

  /** A holds 1 cpu of 4 (share 1/4), B 2 memory of 4 (1/2); each waits, A first, for the one gpu a holder has. */
  function bothWaitForTheGpu() {
    const twin = new Twin('drf', { capacity: [4000, 4000, 1000], tenants: 2, settings: [], maxBypass: 100, maxQueue: 100 });
    const gpu = twin.allocate(...who('holder'), [2], [1000]).expected;
    twin.allocate(...who('A'), [0], [1000]);
    twin.allocate(...who('B'), [1], [2000]);
    twin.allocate(...who('A'), [2], [1000]);
    twin.allocate(...who('B'), [2], [1000]);
    if (gpu.kind !== 'granted') throw new Error('the holder holds the gpu');
    return { twin, gpu: gpu.id };
  }

  it('shares follow capacity: more memory makes B (2 of 16, 1/8) rank before A (1/4)', () => {
    const { twin, gpu } = bothWaitForTheGpu();
    twin.setCapacity(1, 16000);
    const r = twin.release(gpu);
    expect('granted' in r && r.granted.map((a) => a.tenant)).toEqual(['B']);
  });

  it('grants a request after 24 of its tenant that arrived behind it left from the middle of its queue', () => {
    // A's first request waits for the gpu a holder has; each of A's 24 one-cpu requests behind it is
    // granted past it when the single cpu comes back.
    const twin = new Twin('drf', { capacity: [1000, 0, 1000], tenants: 1, settings: [], maxBypass: 100, maxQueue: 100 });
    let cpu = twin.allocate(...who('X'), [0], [1000]).expected;
    const gpu = twin.allocate(...who('holder'), [2], [1000]).expected;
    const first = twin.allocate(...who('A'), [0, 2], [1000, 1000]).msgId;
    for (let i = 0; i < 24; i++) twin.allocate(...who('A'), [0], [1000]);
    for (let i = 0; i < 24; i++) {
      if (cpu.kind !== 'granted') throw new Error('the cpu is held');
      const r = twin.release(cpu.id);
      if (!('granted' in r) || r.granted.length !== 1) throw new Error('one request of A is granted');
      cpu = { kind: 'granted', id: r.granted[0]!.id };
    }
    if (cpu.kind !== 'granted' || gpu.kind !== 'granted') throw new Error('held');
    twin.release(cpu.id);
    const r = twin.release(gpu.id);
    expect('granted' in r && r.granted.map((a) => a.msgId)).toEqual([first]);
  });

  it('a front its quota holds reserves nothing and counts no grant past it', () => {
    // maxBypass 1, 4 cpu. Q (quota 3 cpu) holds 2 and asks 2 more at priority 1: the front, held by its quota.
    const twin = new Twin('drf', { capacity: [4000, 0, 0], tenants: 1, settings: [['Q', { quota: [[0, 3000]] }]], maxBypass: 1, maxQueue: 100 });
    twin.allocate(...who('Q'), [0], [2000]);
    const h = twin.allocate(...who('H'), [0], [2000]).expected;
    expect(twin.allocate('Q', undefined, 1, [0], [2000]).expected).toMatchObject({ kind: 'queued', reason: 'quota' });
    twin.allocate(...who('B'), [0], [1000]);
    if (h.kind !== 'granted') throw new Error('H holds 2 cpu');
    // The drain grants B past the held front, and D is admitted past it: neither counts.
    expect(twin.release(h.id)).toMatchObject({ granted: [{ tenant: 'B' }] });
    const d = twin.allocate(...who('D'), [0], [1000]).expected;
    if (d.kind !== 'granted') throw new Error('D fits');
    twin.release(d.id);
    // Raised, the quota no longer holds Q's request; 1 cpu is free, it needs 2: C may pass it once.
    twin.setTenant('Q', { quota: [[0, 4000]] });
    const c = twin.allocate(...who('C'), [0], [1000]).expected;
    expect(c.kind).toBe('granted');
    if (c.kind !== 'granted') throw new Error('C fits');
    twin.release(c.id);
    expect(twin.allocate(...who('E'), [0], [1000]).expected).toMatchObject({ kind: 'queued', reason: 'order' });
  });

  it('shares follow weights: B of weight 3 (1/2 / 3 = 1/6) ranks before A (1/4)', () => {
    const { twin, gpu } = bothWaitForTheGpu();
    twin.setTenant('B', { weight: 3 });
    const r = twin.release(gpu);
    expect('granted' in r && r.granted.map((a) => a.tenant)).toEqual(['B']);
  });
});
