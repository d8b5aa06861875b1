// Random manager states for the explain and contention properties: three types, a few clients
// and tenants, priorities, leases (and holders without one), timeouts, quotas, weights,
// preemption with and without a grace, a small limit of live allocations, the starvation guard
// at 0 (the front reserves from the start) or out of reach, and the virtual clock moved between
// steps; reserves (held until confirmed or their hold runs out) and confirms, with a lease or
// without. Built through the manager's own API only.
import fc from 'fast-check';
import { ResourceManager } from '../../src/core/manager.js';
import type { OwedEvent } from '../../src/core/events.js';
import type { PolicyName } from '../../src/core/policy/index.js';
import type { WaitingRequest } from '../../src/core/model.js';

export const TYPES = ['cpu', 'gpu', 'mem'] as const;
export const TENANTS = ['a', 'b', 'c'] as const;

export interface Ask {
  readonly src: number;
  readonly req: readonly (readonly [type: number, amount: number])[];
  readonly priority: number;
  readonly tenant?: number;
  readonly lease?: number;
  readonly timeout?: number;
  /** A reserve held this long, not an allocate (and no lease: a confirm gives one). */
  readonly hold?: number;
}

export type Step =
  | { kind: 'ask'; ask: Ask }
  | { kind: 'release'; pick: number }
  | { kind: 'confirm'; pick: number; lease: number | undefined }
  | { kind: 'tick'; ms: number }
  | { kind: 'capacity'; type: number; amount: number };

export interface Setup {
  readonly policy: PolicyName;
  readonly capacity: readonly number[];
  readonly maxBypass: number;
  readonly maxAllocations: number;
  readonly grace: number | undefined;
  /** Per tenant: weight, and a quota per type (undefined: none). */
  readonly tenants: readonly { weight: number; quota: readonly (number | undefined)[] | undefined }[];
  readonly steps: readonly Step[];
}

const ask: fc.Arbitrary<Ask> = fc.record(
  {
    src: fc.nat(4),
    req: fc.uniqueArray(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3, selector: ([t]) => t }),
    priority: fc.integer({ min: -1, max: 2 }),
    tenant: fc.nat(2),
    lease: fc.integer({ min: 5, max: 80 }),
    timeout: fc.integer({ min: 1, max: 80 }),
    hold: fc.integer({ min: 1, max: 60 }),
  },
  { requiredKeys: ['src', 'req', 'priority'] },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: ask.map((a) => ({ kind: 'ask' as const, ask: a })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat(), lease: fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 10 }).map((ms) => ({ kind: 'tick' as const, ms })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), type: fc.nat(2), amount: fc.integer({ min: 2, max: 8 }) }) },
);

export function setupArb(policies: readonly PolicyName[]): fc.Arbitrary<Setup> {
  return fc.record({
    policy: fc.constantFrom(...policies),
    capacity: fc.tuple(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 3, max: 8 })),
    maxBypass: fc.constantFrom(0, 1, 100),
    maxAllocations: fc.constantFrom(4, 1000),
    grace: fc.constantFrom(undefined, 0, 10, 40),
    tenants: fc.array(
      fc.record({
        weight: fc.constantFrom(1, 2, 0.5),
        quota: fc.option(fc.tuple(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), fc.option(fc.constant(1), { nil: undefined }), fc.constant(undefined)), { nil: undefined, freq: 2 }),
      }),
      { minLength: 3, maxLength: 3 },
    ),
    steps: fc.array(step, { minLength: 1, maxLength: 50 }),
  });
}

/** A request that was queued, as its allocate was answered: when, and whether it preempts after a grace. */
export interface Queued {
  readonly request: WaitingRequest;
  readonly at: number;
  readonly preempting: boolean;
}

/** A manager built from `s` at virtual time `clock.now`; `log` gets every request that was queued. */
export function build(s: Setup, clock: { now: number }, opts: { tenantFeatures: boolean }, log?: Queued[]): ResourceManager {
  const m = new ResourceManager({
    capacity: TYPES.map((t, i) => [t, s.capacity[i]!] as const),
    clock: () => clock.now,
    idPrefix: 'a',
    policy: s.policy,
    maxBypass: s.maxBypass,
    maxAllocations: s.maxAllocations,
    preemption: s.grace === undefined ? 'off' : 'lower-priority',
    preemptionGraceMs: s.grace ?? 0,
    tenants: opts.tenantFeatures
      ? s.tenants.map((t, i) => [TENANTS[i]!, { weight: t.weight, quota: t.quota === undefined ? undefined : t.quota.flatMap((q, j) => (q === undefined ? [] : [[TYPES[j]!, q] as const])) }] as const)
      : undefined,
  });
  let msgId = 0;
  for (const st of s.steps) {
    if (st.kind === 'ask') {
      const a = st.ask;
      const tenant = opts.tenantFeatures && a.tenant !== undefined ? TENANTS[a.tenant] : undefined;
      const who = { src: `c${a.src}`, msgId: ++msgId, via: 'n' };
      const req = a.req.map(([t, amount]) => ({ type: TYPES[t]!, amount }));
      try {
        const o =
          a.hold === undefined
            ? m.allocate(who, req, { priority: a.priority, leaseMs: a.lease, timeoutMs: a.timeout, tenant })
            : m.reserve(who, req, { holdMs: a.hold, priority: a.priority, timeoutMs: a.timeout, tenant });
        if (o.kind === 'queued') log?.push({ request: o.request, at: clock.now, preempting: o.reason === 'preempting' });
      } catch {
        // Over a quota at all, a full queue, the limit of live allocations: refused, nothing changed.
      }
    } else if (st.kind === 'release') {
      const live = [...m.liveAllocations()];
      if (live.length > 0) m.release(live[st.pick % live.length]!.id);
    } else if (st.kind === 'confirm') {
      const held = [...m.liveReservations()];
      if (held.length > 0) m.confirm(held[st.pick % held.length]!.id, st.lease);
    } else if (st.kind === 'tick') {
      clock.now += st.ms;
      m.advance();
    } else {
      m.setCapacity([[TYPES[st.type]!, st.amount]]);
    }
  }
  return m;
}

/** Runs the future with every deadline met exactly on time and nothing else happening; returns every event with its time. */
export function runOut(m: ResourceManager, clock: { now: number }): { at: number; e: OwedEvent }[] {
  const out: { at: number; e: OwedEvent }[] = [];
  for (let d = m.nextDeadline(); d !== Infinity; d = m.nextDeadline()) {
    if (d > clock.now) clock.now = d;
    for (const e of m.advance()) out.push({ at: clock.now, e });
  }
  return out;
}
