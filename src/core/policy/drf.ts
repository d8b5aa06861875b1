import type { QueuedRequest } from '../model.js';
import { admitBehind, roomBehind } from './backfill.js';
import type { Admission, Policy, PolicyContext } from './policy.js';
import { quotaHeld, roomFor } from './quota.js';
import type { StarvationGuard } from './starvation-guard.js';

/**
 * Weighted dominant resource fairness (Ghodsi et al., NSDI 2011, by progressive filling):
 * within the highest priority that has a request that fits, the drain grants next the one whose
 * tenant has the least dominant share divided by its weight, then the earliest. Requests that
 * do not fit are skipped, as in backfill, and so is what the starvation guard's front reserves.
 * See docs/policies.md.
 */
export class Drf implements Policy {
  constructor(
    private readonly ctx: PolicyContext,
    private readonly guard: StarvationGuard,
  ) {}

  /** Least share first: the first lane of the highest priority leads with its earliest request. */
  front(): QueuedRequest | undefined {
    const lanes = this.ctx.lanes!;
    const top = lanes.highest();
    return top === undefined ? undefined : lanes.leastAt(top)!.first();
  }

  admit(w: QueuedRequest, front: QueuedRequest): Admission {
    return admitBehind(this.ctx, w, this.reserveOf(front));
  }

  next(front: QueuedRequest): QueuedRequest | undefined {
    // Ranked first of all: if it can be granted, nothing ranks before it.
    const avail = roomBehind(this.ctx, front);
    if (avail === undefined) return front;
    // The queue's index answers "does anything fit, and at what priority at most" without a walk.
    const any = this.ctx.queue.firstFitting(avail);
    if (any === undefined) return undefined;
    const lanes = this.ctx.lanes!;
    const top = any.options?.priority ?? 0;
    // `any` is the earliest request that fits at its priority: only a lower share can beat it, so
    // the walk stops at the first lane of its share (without this, 1,000 tenants at share 0 cost
    // one visit each, a release 46x its peer in figure 6b).
    const anyShare = quotaHeld(any) ? Infinity : lanes.laneOf(any).share;
    for (const p of lanes.prioritiesFrom(top)) {
      let best: QueuedRequest | undefined = p === top && anyShare < Infinity ? any : undefined;
      let bestShare = p === top ? anyShare : Infinity;
      lanes.visitAt(p, (lane) => {
        // Lanes come by (share, first arrival): past the best's share, or its arrival at an equal share, none can beat it.
        if (best !== undefined && (lane.share > bestShare || (lane.share === bestShare && (best === any || lane.seq > best.seq)))) return false;
        const w = lane.firstFitting(roomFor(avail, lane.tenant));
        if (w !== undefined && (best === undefined || lane.share < bestShare || w.seq < best.seq)) {
          best = w;
          bestShare = lane.share;
        }
        return true;
      });
      if (best !== undefined) return best;
    }
    return undefined;
  }

  granted(_w: QueuedRequest, passed: QueuedRequest | undefined): void {
    if (passed !== undefined) this.guard.passed(passed);
  }

  reserveOf(front: QueuedRequest): readonly number[] | undefined {
    return quotaHeld(front) ? undefined : this.guard.reserveOf(front);
  }
}
