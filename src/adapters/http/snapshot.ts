import { fromUnits } from '../../core/ledger/amounts.js';
import type { ResourceManager } from '../../core/manager.js';
import { EXPLAIN_REASON_TEXT } from '../../server/bodies.js';
import { WAIT_BUCKETS, type NodeCounters } from './counters.js';
import { boundedTenants } from './tenants.js';

/** Rows of each table sent per update; the rest are only counted. */
export const MAX_ROWS = 200;

/** Samples of utilization and queue depth kept for a dashboard that opens late: 10 minutes at one a second. */
export const HISTORY_SAMPLES = 600;

/** One point of the charts over time: wall-clock ms, allocated/capacity per type (0..1), requests waiting. */
export interface Sample {
  readonly t: number;
  readonly used: readonly number[];
  readonly waiting: number;
}

type Amounts = Record<string, number>;

/** What the dashboard shows at one moment, as sent over SSE. */
export interface Snapshot {
  readonly t: number;
  readonly resources: readonly { readonly name: string; readonly capacity: number; readonly allocated: number; readonly free: number }[];
  readonly waiting: number;
  readonly grants: number;
  readonly releases: number;
  readonly preemptions: number;
  readonly wait: { readonly bounds: readonly number[]; readonly counts: readonly number[]; readonly sum: number; readonly count: number };
  readonly tenants: readonly { readonly name: string; readonly held: Amounts; readonly quota: Amounts }[];
  readonly allocations: { readonly total: number; readonly rows: readonly { id: string; src: string; tenant: string; priority: number; resources: Amounts }[] };
  readonly queue: { readonly total: number; readonly rows: readonly { src: string; msg_id: number; tenant: string; priority: number; resources: Amounts; reason: string; waited_s: number }[] };
}

/** The dashboard's view of a node: snapshots on demand and a bounded history of samples. */
export class DashboardState {
  private readonly history: Sample[] = [];

  constructor(
    private readonly manager: ResourceManager,
    private readonly counters: NodeCounters,
    /** The node's clock (for how long requests have waited). */
    private readonly now: () => number,
  ) {}

  /** Takes one sample at wall-clock `t`; the oldest goes once HISTORY_SAMPLES are kept. */
  sample(t: number): Sample {
    const m = this.manager;
    const used: number[] = [];
    for (let i = 0; i < m.types.size; i++) {
      const cap = m.capacityOf(i);
      used.push(cap === 0 ? 0 : Math.round((m.allocatedOf(i) / cap) * 1000) / 1000);
    }
    const s = { t, used, waiting: m.waiting };
    this.history.push(s);
    if (this.history.length > HISTORY_SAMPLES) this.history.shift();
    return s;
  }

  samples(): readonly Sample[] {
    return this.history;
  }

  types(): readonly string[] {
    return this.manager.types.list();
  }

  snapshot(t: number): Snapshot {
    const m = this.manager;
    const names = m.types;
    const c = this.counters;
    const amounts = (types: readonly number[], units: readonly number[]): Amounts => {
      // No prototype: a type named __proto__ stays a key.
      const out = Object.create(null) as Amounts;
      for (let i = 0; i < types.length; i++) out[names.name(types[i]!)] = fromUnits(units[i]!);
      return out;
    };
    const resources = [];
    for (let i = 0; i < names.size; i++) resources.push({ name: names.name(i), capacity: fromUnits(m.capacityOf(i)), allocated: fromUnits(m.allocatedOf(i)), free: fromUnits(m.freeOf(i)) });
    const allocations = [];
    for (const a of m.liveAllocations()) {
      if (allocations.length >= MAX_ROWS) break;
      allocations.push({ id: a.id, src: a.src, tenant: a.tenant, priority: a.priority, resources: amounts(a.types, a.units) });
    }
    const now = this.now();
    const queue = m.waitingWithReasons(MAX_ROWS).map(({ request: w, reason }) => ({
      src: w.src,
      msg_id: w.msgId,
      tenant: w.tenant,
      priority: w.options?.priority ?? 0,
      resources: amounts(w.types, w.units),
      reason: EXPLAIN_REASON_TEXT[reason],
      waited_s: Math.max(0, now - w.queuedAt) / 1000,
    }));
    const tenants = boundedTenants(m).map((tenant) => ({
      name: tenant.name,
      held: Object.fromEntries(tenant.held.map((u, i) => [names.name(i), fromUnits(u)])),
      quota: Object.fromEntries(tenant.quota.flatMap((u, i) => (u === undefined ? [] : [[names.name(i), fromUnits(u)]]))),
    }));
    let releases = 0;
    for (const n of c.releases.values()) releases += n;
    return {
      t,
      resources,
      waiting: m.waiting,
      grants: c.grants,
      releases,
      preemptions: c.preemptions,
      wait: { bounds: WAIT_BUCKETS, counts: Array.from(c.waitBuckets), sum: c.waitSum, count: c.waitCount },
      tenants,
      allocations: { total: m.allocationCount, rows: allocations },
      queue: { total: m.waiting, rows: queue },
    };
  }
}
