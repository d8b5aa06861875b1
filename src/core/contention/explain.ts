import type { Allocation, HeldAllocation, QueuedRequest, WaitingRequest } from '../model.js';
import { earliestPossible } from './bound.js';
import { Reasons, positionOf, type ExplainReason } from './reasons.js';
import { replay } from './replay.js';
import type { ContentionView } from './view.js';

/** An allocation in the way: it holds a type the request is short of. */
export interface Blocker {
  readonly allocation: Allocation;
  /** Ms until its lease (or an unconfirmed reservation's hold) runs out, or null when it has none. */
  readonly leaseLeftMs: number | null;
}

/** Why a waiting request waits, and until when (docs/contention.md#explain). */
export interface Explanation {
  readonly request: WaitingRequest;
  /** 1-based rank by the policy's order key. */
  readonly position: number;
  readonly waitedMs: number;
  readonly reason: ExplainReason;
  /** `[type, units]` it lacks beyond what is free now (and held back for it, if it preempts), in request order. */
  readonly short: readonly (readonly [type: number, units: number])[];
  /** Up to MAX_BLOCKERS, the soonest lease expiry first. */
  readonly blockers: readonly Blocker[];
  /** Ms from now until it would be granted, or null: never, as things stand. */
  readonly estimatedStartMs: number | null;
  /** True when the replay ran to its end, so the estimate is exact under its assumptions; false: a lower bound. */
  readonly estimateExact: boolean;
}

export const MAX_BLOCKERS = 10;

/**
 * Work a replay may do (requests looked at, deadlines fired) before it stops and the estimate
 * falls back to a lower bound: about 20 ms on a slow machine. Counted, not timed, so an answer
 * never depends on the machine. See docs/benchmarks.md.
 */
export const REPLAY_BUDGET = 40_000;

/** Explains waiting request `w`. O(n) in waiting requests and live allocations, plus a replay of bounded work (none for a budget of 0: the bound alone). */
export function explain(v: ContentionView, w: QueuedRequest, budget = REPLAY_BUDGET): Explanation {
  const short = shortOf(v, w);
  const { estimatedStartMs, estimateExact } = estimate(v, w, budget);
  return {
    request: w,
    position: positionOf(v, w),
    waitedMs: Math.max(0, v.now - w.queuedAt),
    reason: new Reasons(v).of(w),
    short,
    blockers: blockersOf(v, short),
    estimatedStartMs,
    estimateExact,
  };
}

function estimate(v: ContentionView, w: QueuedRequest, budget: number): Pick<Explanation, 'estimatedStartMs' | 'estimateExact'> {
  const bound = earliestPossible(v, w);
  if (bound === undefined) return { estimatedStartMs: null, estimateExact: true };
  if (budget <= 0) return { estimatedStartMs: bound - v.now, estimateExact: false };
  const r = replay(v, w, budget);
  if (r.kind === 'granted') return { estimatedStartMs: r.at - v.now, estimateExact: true };
  if (r.kind === 'never') return { estimatedStartMs: null, estimateExact: true };
  // Both are lower bounds: the grant comes no sooner than the later of them.
  return { estimatedStartMs: Math.max(bound, r.reached) - v.now, estimateExact: false };
}

function shortOf(v: ContentionView, w: QueuedRequest): [number, number][] {
  const withheld = v.preemption?.pendingOf(w)?.withheld;
  const short: [number, number][] = [];
  for (let i = 0; i < w.types.length; i++) {
    const t = w.types[i]!;
    const lack = w.units[i]! - v.ledger.freeOf(t) - (withheld?.[i] ?? 0);
    if (lack > 0) short.push([t, lack]);
  }
  return short;
}

/** Live allocations and reservations holding a type in `short`: by when they end (never last), then grant order; the first MAX_BLOCKERS. */
function blockersOf(v: ContentionView, short: readonly (readonly [number, number])[]): Blocker[] {
  if (short.length === 0) return [];
  const types = new Set(short.map(([t]) => t));
  const best: HeldAllocation[] = [];
  for (const a of v.ledger.liveAllocations()) {
    if (!a.types.some((t) => types.has(t))) continue;
    if (best.length === MAX_BLOCKERS && !sooner(a, best[MAX_BLOCKERS - 1]!)) continue;
    let i = Math.min(best.length, MAX_BLOCKERS - 1);
    while (i > 0 && sooner(a, best[i - 1]!)) i--;
    best.splice(i, 0, a);
    if (best.length > MAX_BLOCKERS) best.pop();
  }
  return best.map((a) => {
    const end = endOf(a);
    return { allocation: a, leaseLeftMs: end === Infinity ? null : Math.max(0, end - v.now) };
  });
}

/** When a holding ends by itself: its lease, or an unconfirmed reservation's hold; Infinity for neither. */
function endOf(a: HeldAllocation): number {
  if (a.hold !== undefined) return a.hold.deadline;
  return a.leaseDeadline < 0 ? Infinity : a.leaseDeadline;
}

// Reservations and allocations count their serials apart: at one end time, allocations come first.
function sooner(a: HeldAllocation, b: HeldAllocation): boolean {
  const da = endOf(a);
  const db = endOf(b);
  if (da !== db) return da < db;
  const ra = a.hold !== undefined;
  return ra !== (b.hold !== undefined) ? !ra : a.serial < b.serial;
}
