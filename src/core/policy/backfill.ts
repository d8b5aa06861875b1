import type { QueuedRequest } from '../model.js';
import type { Admission, Policy, PolicyContext } from './policy.js';
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

  admit(w: QueuedRequest, front: QueuedRequest): Admission {
    const ledger = this.ctx.ledger;
    if (!ledger.fits(w.types, w.units)) return NO_ROOM;
    const reserve = this.guard.reserveOf(front);
    if (reserve === undefined || ledger.fits(w.types, w.units, reserve)) return GRANT;
    return { kind: 'wait', reason: 'order', reserve };
  }

  next(front: QueuedRequest): QueuedRequest | undefined {
    const ledger = this.ctx.ledger;
    if (ledger.fits(front.types, front.units)) return front;
    // Free only shrinks during a drain, so the earliest request that fits is the one a walk
    // in queue order would grant next.
    const avail = ledger.freeVector();
    if (front.reserved) {
      for (let i = 0; i < front.types.length; i++) avail[front.types[i]!]! -= front.units[i]!;
    }
    return this.ctx.queue.firstFitting(avail);
  }

  granted(_w: QueuedRequest, passed: QueuedRequest | undefined): void {
    if (passed !== undefined) this.guard.passed(passed);
  }

  reserveOf(front: QueuedRequest): readonly number[] | undefined {
    return this.guard.reserveOf(front);
  }
}
