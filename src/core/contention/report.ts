import { DemandGroups, mixDemand, type Demand } from './demands.js';
import { EXPLAIN_REASONS, Reasons, type ExplainReason } from './reasons.js';
import type { ContentionView } from './view.js';

/** One resource type under contention, in units. */
export interface TypePressure {
  readonly type: number;
  readonly capacity: number;
  readonly free: number;
  /** What waiting requests ask of it, together. */
  readonly waitingDemand: number;
  /** (held + waiting demand) / capacity, rounded to 3 decimals; null when the capacity is 0. */
  readonly pressure: number | null;
}

/** The queue as a whole against capacity (docs/contention.md#contention). */
export interface ContentionReport {
  /** Every type, in type order. */
  readonly resources: readonly TypePressure[];
  readonly waiting: number;
  /** Reasons with at least one waiting request, in the order reasons are tried. */
  readonly byReason: readonly (readonly [reason: ExplainReason, count: number])[];
  readonly oldestWaitMs: number | null;
  /** At most MAX_DEMANDS. */
  readonly demands: readonly Demand[];
}

export const MAX_DEMANDS = 20;

/** One pass over the waiting requests: O(n) in them, O(types) each. */
export function contention(v: ContentionView): ContentionReport {
  const { ledger } = v;
  const size = ledger.types.size;
  const demand = new Float64Array(size);
  const counts = new Int32Array(EXPLAIN_REASONS.length);
  const reasons = new Reasons(v);
  const groups = new DemandGroups(v.scratch, v.queue.size);
  let oldest = Infinity;
  const { capacity, free } = reasons;
  v.queue.forEachRun((slots, from, to) => {
    for (let k = from; k < to; k++) {
      const w = slots[k];
      if (w === undefined) continue;
      // One loop over the demands, while they are in cache: what each request costs is fetching it.
      const { types, units } = w;
      let infeasible = false;
      let fits = true;
      let hash = types.length;
      for (let i = 0; i < types.length; i++) {
        const t = types[i]!;
        const u = units[i]!;
        demand[t]! += u;
        if (u > capacity[t]!) infeasible = true;
        else if (u > free[t]!) fits = false;
        hash = mixDemand(hash, t, u);
      }
      counts[reasons.indexGiven(w, infeasible, fits)]!++;
      groups.add(w, hash);
      if (w.queuedAt < oldest) oldest = w.queuedAt;
    }
  });
  // Room held back for a waiting preemptor is counted in its demand, not as held too.
  const withheld = new Float64Array(size);
  for (const p of v.preemption?.pending() ?? []) p.withheld.forEach((units, i) => (withheld[p.request.types[i]!]! += units));
  const resources: TypePressure[] = [];
  for (let t = 0; t < size; t++) {
    const capacity = ledger.capacityOf(t);
    const held = ledger.allocatedOf(t) - withheld[t]!;
    resources.push({ type: t, capacity, free: ledger.freeOf(t), waitingDemand: demand[t]!, pressure: capacity === 0 ? null : Math.round(((held + demand[t]!) / capacity) * 1000) / 1000 });
  }
  return {
    resources,
    waiting: v.queue.size,
    byReason: EXPLAIN_REASONS.flatMap((r, i) => (counts[i]! > 0 ? [[r, counts[i]!] as const] : [])),
    oldestWaitMs: oldest === Infinity ? null : Math.max(0, v.now - oldest),
    demands: groups.top(MAX_DEMANDS),
  };
}
