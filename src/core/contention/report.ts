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

/** Requests fetched ahead at a time (see contention): few enough to stay in cache. */
const CHUNK = 256;

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
  // Per position in a run's list of types (no longer than the types there are): demand summed, capacity and free looked up once.
  const sum = new Float64Array(size);
  const cap = new Float64Array(size);
  const room = new Float64Array(size);
  v.queue.forEachRun((types, slots, from, to) => {
    const d = types.length;
    for (let j = 0; j < d; j++) {
      sum[j] = 0;
      cap[j] = capacity[types[j]!]!;
      room[j] = free[types[j]!]!;
    }
    // What a request costs is fetching it and its demands (cache misses). Per chunk of a run, a
    // first loop that does little else (it sums the first demand) lets those fetches overlap; the
    // second then finds the chunk in cache: the whole report takes half the time.
    for (let start = from; start < to; start += CHUNK) {
      const end = Math.min(to, start + CHUNK);
      for (let k = start; k < end; k++) sum[0]! += slots[k]?.units[0] ?? 0;
      for (let k = start; k < end; k++) {
        const w = slots[k];
        if (w === undefined) continue;
        const units = w.units;
        let infeasible = false;
        let fits = true;
        let hash = d;
        for (let j = 0; j < d; j++) {
          const u = units[j]!;
          if (j > 0) sum[j]! += u;
          if (u > cap[j]!) infeasible = true;
          else if (u > room[j]!) fits = false;
          hash = mixDemand(hash, types[j]!, u);
        }
        counts[reasons.indexGiven(w, infeasible, fits)]!++;
        groups.add(w, hash);
        if (w.queuedAt < oldest) oldest = w.queuedAt;
      }
    }
    for (let j = 0; j < d; j++) demand[types[j]!]! += sum[j]!;
  });
  // Room held back for a waiting preemptor is counted in its demand, not as held too.
  const withheld = new Float64Array(size);
  for (const p of v.preemption?.pending() ?? []) p.withheld.forEach((units, i) => (withheld[p.request.types[i]!]! += units));
  const resources: TypePressure[] = [];
  for (let t = 0; t < size; t++) {
    const capacity = ledger.capacityOf(t);
    const held = ledger.allocatedOf(t) - withheld[t]!;
    resources.push({ type: t, capacity, free: ledger.freeOf(t), waitingDemand: demand[t]!, pressure: capacity === 0 ? null : pressureOf(held + demand[t]!, capacity) });
  }
  return {
    resources,
    waiting: v.queue.size,
    byReason: EXPLAIN_REASONS.flatMap((r, i) => (counts[i]! > 0 ? [[r, counts[i]!] as const] : [])),
    oldestWaitMs: oldest === Infinity ? null : Math.max(0, v.now - oldest),
    demands: groups.top(MAX_DEMANDS),
  };
}

/** `units / capacity` to 3 decimals, half up, in integers: the float quotient times 1000 misrounds halves (1.001 / 2 gave 0.5). */
function pressureOf(units: number, capacity: number): number {
  const u = BigInt(Math.round(units));
  const c = BigInt(capacity);
  return Number((2000n * u + c) / (2n * c)) / 1000;
}
