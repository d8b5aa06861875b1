import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExplainReason } from '../../src/core/contention/index.js';
import type { ResourceManager } from '../../src/core/manager.js';
import type { Allocation, Reservation, WaitingRequest } from '../../src/core/model.js';
import { TENANTS, TYPES, build, setupArb, type Queued, type Setup } from './contention-scenario.js';

// explain's position, reason, short and blockers, and every number of contention, against a
// plain recomputation from what the manager shows (live allocations, waiting requests,
// capacity) and what the scenario configured. The starvation guard is at 0 (every front
// reserves from the start) or out of reach, so the model knows which front reserves. An
// unconfirmed reservation is held like an allocation, and ends by itself when its hold runs out.

/** A plain model of one moment: everything recomputed from lists. */
class Model {
  readonly waiting: WaitingRequest[];
  /** Allocations and unconfirmed reservations. */
  readonly live: (Allocation | Reservation)[];
  readonly n: number;

  constructor(
    readonly s: Setup,
    readonly m: ResourceManager,
    readonly log: readonly Queued[],
    readonly now: number,
    readonly tenantFeatures: boolean,
  ) {
    this.waiting = m.waitingRequests();
    this.live = [...m.liveAllocations(), ...m.liveReservations()];
    this.n = TYPES.length;
  }

  held(filter: (a: Allocation | Reservation) => boolean = () => true): number[] {
    const h = new Array<number>(this.n).fill(0);
    for (const a of this.live) if (filter(a)) a.types.forEach((t, i) => (h[t]! += a.units[i]!));
    return h;
  }

  free(t: number): number {
    return Math.max(0, this.m.capacityOf(t) - this.m.allocatedOf(t));
  }

  quotaOf(tenant: string): (number | undefined)[] | undefined {
    const i = TENANTS.indexOf(tenant as (typeof TENANTS)[number]);
    const q = this.tenantFeatures && i >= 0 ? this.s.tenants[i]!.quota : undefined;
    return q?.map((x) => (x === undefined ? undefined : x * 1000));
  }

  quotaHeld(w: WaitingRequest): boolean {
    const q = this.quotaOf(w.tenant);
    if (q === undefined) return false;
    const held = this.held((a) => a.tenant === w.tenant);
    return w.types.some((t, i) => q[t] !== undefined && held[t]! + w.units[i]! > q[t]!);
  }

  weightedShare(tenant: string): number {
    const held = this.held((a) => a.tenant === tenant);
    let share = 0;
    held.forEach((h, t) => {
      const cap = this.m.capacityOf(t);
      if (h > 0 && cap > 0) share = Math.max(share, h / cap);
    });
    const i = TENANTS.indexOf(tenant as (typeof TENANTS)[number]);
    return share / (this.tenantFeatures && i >= 0 ? this.s.tenants[i]!.weight : 1);
  }

  key(w: WaitingRequest): number[] {
    return [-(w.options?.priority ?? 0), this.s.policy === 'drf' ? this.weightedShare(w.tenant) : 0, w.seq];
  }

  position(w: WaitingRequest): number {
    const less = (a: number[], b: number[]): boolean => a[0]! !== b[0]! ? a[0]! < b[0]! : a[1]! !== b[1]! ? a[1]! < b[1]! : a[2]! < b[2]!;
    return 1 + this.waiting.filter((x) => less(this.key(x), this.key(w))).length;
  }

  /** Backfill and fifo: the head of the queue; drf: at the top priority, the earliest request of the tenant whose (weighted share, earliest request) is least. */
  front(): WaitingRequest | undefined {
    if (this.s.policy !== 'drf') return this.waiting[0];
    const top = Math.max(...this.waiting.map((w) => w.options?.priority ?? 0));
    const atTop = this.waiting.filter((w) => (w.options?.priority ?? 0) === top);
    let best: WaitingRequest | undefined;
    for (const w of atTop) {
      const firstOfTenant = atTop.find((x) => x.tenant === w.tenant)!;
      if (firstOfTenant !== w) continue;
      if (best === undefined) best = w;
      else {
        const [a, b] = [this.weightedShare(w.tenant), this.weightedShare(best.tenant)];
        if (a < b || (a === b && w.seq < best.seq)) best = w;
      }
    }
    return best;
  }

  reserve(): number[] | undefined {
    const f = this.front();
    if (f === undefined || this.s.policy === 'fifo' || this.s.maxBypass !== 0 || this.quotaHeld(f)) return undefined;
    const r = new Array<number>(this.n).fill(0);
    f.types.forEach((t, i) => (r[t] = f.units[i]!));
    return r;
  }

  preempting(w: WaitingRequest): boolean {
    return this.log.some((q) => q.request === w && q.preempting);
  }

  reason(w: WaitingRequest): ExplainReason {
    if (w.types.some((t, i) => w.units[i]! > this.m.capacityOf(t))) return 'infeasible';
    if (this.quotaHeld(w)) return 'quota';
    if (this.preempting(w)) return 'preempting';
    if (this.live.length >= this.s.maxAllocations || w.types.some((t, i) => w.units[i]! > this.free(t))) return 'resources';
    const r = this.reserve();
    if (r !== undefined && w !== this.front() && w.types.some((t, i) => w.units[i]! > this.free(t) - r[t]!)) return 'reservation';
    return 'priority';
  }

  short(w: WaitingRequest): [number, number][] {
    return w.types.flatMap((t, i) => (w.units[i]! > this.free(t) ? [[t, w.units[i]! - this.free(t)] as [number, number]] : []));
  }

  blockers(short: [number, number][]): [string, number | null][] {
    const types = short.map(([t]) => t);
    const held = (a: Allocation | Reservation) => (a as Partial<Reservation>).hold !== undefined;
    const deadline = (a: Allocation | Reservation) => (held(a) ? (a as Reservation).hold.deadline : a.leaseDeadline < 0 ? Infinity : a.leaseDeadline);
    return this.live
      .filter((a) => a.types.some((t) => types.includes(t)))
      .sort((a, b) => deadline(a) - deadline(b) || Number(held(a)) - Number(held(b)) || a.serial - b.serial)
      .slice(0, 10)
      .map((a) => [a.id, deadline(a) === Infinity ? null : deadline(a) - this.now]);
  }

  demands(): { types: number[]; units: number[]; count: number }[] {
    const groups = new Map<string, { first: WaitingRequest; count: number }>();
    for (const w of this.waiting) {
      const key = w.types.map((t, i) => `${t}:${w.units[i]}`).sort().join(',');
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { first: w, count: 1 });
      else {
        g.count++;
        if (w.seq < g.first.seq) g.first = w;
      }
    }
    return [...groups.values()]
      .sort((a, b) => b.count - a.count || a.first.seq - b.first.seq)
      .slice(0, 20)
      .map((g) => ({ types: [...g.first.types], units: [...g.first.units], count: g.count }));
  }
}

const setups = setupArb(['backfill', 'fifo', 'drf']).filter((s) => s.maxBypass !== 1);

describe('explain and contention against a plain model', () => {
  it('explain: position, reason, short and blockers of every waiting request', () => {
    fc.assert(
      fc.property(setups, fc.boolean(), (s, tenantFeatures) => {
        const clock = { now: 0 };
        const log: Queued[] = [];
        const m = build(s, clock, { tenantFeatures }, log);
        const model = new Model(s, m, log, clock.now, tenantFeatures);
        for (const w of model.waiting) {
          const e = m.explain(w.src, w.msgId);
          const at = log.find((q) => q.request === w)!.at;
          expect({ position: e.position, reason: e.reason, waited: e.waitedMs }, `request ${w.msgId}`).toEqual({ position: model.position(w), reason: model.reason(w), waited: clock.now - at });
          // What is held back for a preemptor is not visible from outside: its short is checked by the unit tests.
          if (model.preempting(w)) continue;
          const short = model.short(w);
          expect(e.short).toEqual(short);
          expect(e.blockers.map((b) => [b.allocation.id, b.leaseLeftMs])).toEqual(model.blockers(short));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('contention: every figure recomputed from the lists', () => {
    fc.assert(
      fc.property(setups, fc.boolean(), (s, tenantFeatures) => {
        const clock = { now: 0 };
        const log: Queued[] = [];
        const m = build(s, clock, { tenantFeatures }, log);
        const model = new Model(s, m, log, clock.now, tenantFeatures);
        const c = m.contention();
        const held = model.held();
        const demand = new Array<number>(model.n).fill(0);
        for (const w of model.waiting) w.types.forEach((t, i) => (demand[t]! += w.units[i]!));
        expect(c.resources).toEqual(
          TYPES.map((_, t) => ({
            type: t,
            capacity: m.capacityOf(t),
            free: model.free(t),
            waitingDemand: demand[t],
            // Half up, exactly: small integers, so this plain form cannot misround.
            pressure: m.capacityOf(t) === 0 ? null : Math.floor((2000 * (held[t]! + demand[t]!) + m.capacityOf(t)) / (2 * m.capacityOf(t))) / 1000,
          })),
        );
        expect(c.waiting).toBe(model.waiting.length);
        const counts = new Map<ExplainReason, number>();
        for (const w of model.waiting) counts.set(model.reason(w), (counts.get(model.reason(w)) ?? 0) + 1);
        const order: ExplainReason[] = ['infeasible', 'quota', 'preempting', 'resources', 'reservation', 'priority'];
        expect(c.byReason).toEqual(order.filter((r) => counts.has(r)).map((r) => [r, counts.get(r)]));
        const arrivals = log.filter((q) => model.waiting.includes(q.request)).map((q) => q.at);
        expect(c.oldestWaitMs).toBe(arrivals.length === 0 ? null : clock.now - Math.min(...arrivals));
        expect(c.demands.map((d) => ({ types: [...d.types], units: [...d.units], count: d.count }))).toEqual(model.demands());
      }),
      { numRuns: 500 },
    );
  });
});
