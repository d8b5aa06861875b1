import type { QueuedRequest } from '../model.js';
import type { Admission, Policy, PolicyContext } from './policy.js';
import { firstAllowed, quotaHeld } from './quota.js';
import type { StarvationGuard } from './starvation-guard.js';

const GRANT: Admission = Object.freeze({ kind: 'grant' });
const NO_ROOM: Admission = Object.freeze({ kind: 'wait', reason: 'resources' });

/**
 * Backfill: a request that fits is granted even while others wait, unless the starvation
 * guard has the front reserve what it needs. A drain grants, in queue order, each request
 * that fits; the index finds the next without visiting those that cannot.
 */
export class Backfill implements Policy {
  constructor(
    private readonly ctx: PolicyContext,
    private readonly guard: StarvationGuard,
  ) {}

  front(): QueuedRequest | undefined {
    return this.ctx.queue.head();
  }

  admit(w: QueuedRequest, front: QueuedRequest): Admission {
    return admitBehind(this.ctx, w, this.reserveOf(front));
  }

  next(front: QueuedRequest): QueuedRequest | undefined {
    const avail = roomBehind(this.ctx, front);
    if (avail === undefined) return front;
    // Free only shrinks during a drain, so the earliest request that fits is the one a walk
    // in queue order would grant next.
    const w = this.ctx.queue.firstFitting(avail);
    if (w === undefined || !quotaHeld(w)) return w;
    return firstAllowed(this.ctx.lanes!, avail, w.options?.priority ?? 0);
  }

  granted(_w: QueuedRequest, passed: QueuedRequest | undefined): void {
    if (passed !== undefined) this.guard.passed(passed);
  }

  reserveOf(front: QueuedRequest): readonly number[] | undefined {
    return quotaHeld(front) ? undefined : this.guard.reserveOf(front);
  }
}

/**
 * Undefined when `front` itself can be granted now (it ranks first); else the free units by type
 * that the requests behind it may take: all that is free, less what the front reserves.
 */
export function roomBehind(ctx: PolicyContext, front: QueuedRequest): number[] | undefined {
  const ledger = ctx.ledger;
  const held = quotaHeld(front);
  if (!held && ledger.fits(front.types, front.units)) return undefined;
  const avail = ledger.freeVector();
  if (front.reserved && !held) {
    for (let i = 0; i < front.types.length; i++) avail[front.types[i]!]! -= front.units[i]!;
  }
  return avail;
}

/** Backfill's admission, shared with fair share: a newcomer that fits is granted unless it would take what the front reserves. */
export function admitBehind(ctx: PolicyContext, w: QueuedRequest, reserve: readonly number[] | undefined): Admission {
  const ledger = ctx.ledger;
  if (!ledger.fits(w.types, w.units)) return NO_ROOM;
  if (reserve === undefined || ledger.fits(w.types, w.units, reserve)) return GRANT;
  return { kind: 'wait', reason: 'order', reserve };
}
