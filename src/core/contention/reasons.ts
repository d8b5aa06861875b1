import type { QueuedRequest } from '../model.js';
import { quotaHeld } from '../policy/index.js';
import type { Tenant } from '../tenants/tenants.js';
import type { ContentionView } from './view.js';

/** Why a request waits, the first that applies, in this order (docs/contention.md#explain). */
export type ExplainReason = 'infeasible' | 'quota' | 'preempting' | 'resources' | 'reservation' | 'priority';

export const EXPLAIN_REASONS: readonly ExplainReason[] = ['infeasible', 'quota', 'preempting', 'resources', 'reservation', 'priority'];

// Their indices in EXPLAIN_REASONS.
const INFEASIBLE = 0;
const QUOTA = 1;
const PREEMPTING = 2;
const RESOURCES = 3;
const RESERVATION = 4;
const PRIORITY = 5;

/** The reason of any waiting request, from one look at the state (O(types) per request). */
export class Reasons {
  /** Units by type. */
  readonly capacity: Float64Array;
  readonly free: Float64Array;

  /** No quota, no waiting preemptor and no reservation: a reason then follows from fit alone. */
  private readonly plain: boolean;
  /** At the limit of live allocations, nothing is granted: every request lacks that room. */
  private readonly atLimit: boolean;

  constructor(private readonly v: ContentionView) {
    const { ledger } = v;
    this.atLimit = ledger.allocationCount >= v.maxAllocations;
    this.plain = !v.quotas && v.preemption?.waiting !== true && v.reserve === undefined;
    this.capacity = Float64Array.from({ length: ledger.types.size }, (_, t) => ledger.capacityOf(t));
    this.free = Float64Array.from({ length: ledger.types.size }, (_, t) => ledger.freeOf(t));
  }

  /** The index in EXPLAIN_REASONS of `w`'s reason. */
  indexOf(w: QueuedRequest): number {
    const { types, units } = w;
    const { capacity, free } = this;
    let infeasible = false;
    let fits = true;
    for (let i = 0; i < types.length; i++) {
      const u = units[i]!;
      if (u > capacity[types[i]!]!) infeasible = true;
      else if (u > free[types[i]!]!) fits = false;
    }
    return this.indexGiven(w, infeasible, fits);
  }

  /** As indexOf, told already whether `w` asks more than capacity of some type, and whether it fits what is free. */
  indexGiven(w: QueuedRequest, infeasible: boolean, fits: boolean): number {
    if (infeasible) return INFEASIBLE;
    if (this.plain) return this.atLimit || !fits ? RESOURCES : PRIORITY;
    const v = this.v;
    // Only read what can matter: a request's tenant once a quota exists, preemptors while one waits.
    if (v.quotas && quotaHeld(w)) return QUOTA;
    if (v.preemption?.waiting === true && v.preemption.pendingOf(w) !== undefined) return PREEMPTING;
    if (this.atLimit || !fits) return RESOURCES;
    const reserve = v.reserve;
    if (reserve !== undefined && w !== v.front) {
      const { types, units } = w;
      for (let i = 0; i < types.length; i++) if (units[i]! > this.free[types[i]!]! - (reserve[types[i]!] ?? 0)) return RESERVATION;
    }
    return PRIORITY;
  }

  of(w: QueuedRequest): ExplainReason {
    return EXPLAIN_REASONS[this.indexOf(w)]!;
  }
}

/**
 * 1-based rank of `w` by the policy's order key: priority (higher first), then under fair share
 * its tenant's weighted share now (lower first), then arrival. O(n) over the queue.
 */
export function positionOf(v: ContentionView, w: QueuedRequest): number {
  const priority = w.options?.priority ?? 0;
  const seq = w.seq;
  let before = 0;
  if (v.policyName !== 'drf') {
    v.queue.forEachRun((_types, slots, from, to) => {
      for (let k = from; k < to; k++) {
        const x = slots[k];
        if (x === undefined) continue;
        const p = x.options?.priority ?? 0;
        if (p > priority || (p === priority && x.seq < seq)) before++;
      }
    });
    return before + 1;
  }
  const shares = new Map<Tenant | undefined, number>();
  const shareOf = (t: Tenant | undefined): number => {
    let s = shares.get(t);
    if (s === undefined) shares.set(t, (s = t === undefined ? 0 : v.weightedShare(t)));
    return s;
  };
  const share = shareOf(w.account);
  v.queue.forEachRun((_types, slots, from, to) => {
    for (let k = from; k < to; k++) {
      const x = slots[k];
      if (x === undefined) continue;
      const p = x.options?.priority ?? 0;
      if (p !== priority) {
        if (p > priority) before++;
        continue;
      }
      const s = shareOf(x.account);
      if (s < share || (s === share && x.seq < seq)) before++;
    }
  });
  return before + 1;
}
