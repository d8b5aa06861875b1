import type { QueuedRequest } from '../model.js';
import { ahead } from '../queue/wait-queue.js';
import type { Admission, Policy, PolicyContext } from './policy.js';
import { firstAllowed, quotaHeld } from './quota.js';

const GRANT: Admission = Object.freeze({ kind: 'grant' });
const BEHIND: Admission = Object.freeze({ kind: 'wait', reason: 'order' });
const NO_ROOM: Admission = Object.freeze({ kind: 'wait', reason: 'resources' });

/**
 * Strict order: nothing is granted past a waiting request. A request held by its tenant's
 * quota waits for its own tenant and is set aside: the order is strict among the rest.
 */
export class Fifo implements Policy {
  constructor(private readonly ctx: PolicyContext) {}

  front(): QueuedRequest | undefined {
    return this.ctx.queue.head();
  }

  admit(w: QueuedRequest, front: QueuedRequest): Admission {
    const fits = this.ctx.ledger.fits(w.types, w.units);
    const first = this.firstInOrder(front);
    if (first !== undefined && ahead(first, w)) return fits ? BEHIND : NO_ROOM;
    return fits ? GRANT : NO_ROOM;
  }

  next(front: QueuedRequest): QueuedRequest | undefined {
    const first = this.firstInOrder(front);
    return first !== undefined && this.ctx.ledger.fits(first.types, first.units) ? first : undefined;
  }

  granted(): void {}

  reserveOf(): undefined {
    return undefined;
  }

  /** The first waiting request in queue order that its tenant's quota does not hold back. */
  private firstInOrder(front: QueuedRequest): QueuedRequest | undefined {
    if (!quotaHeld(front)) return front;
    const everything = new Array<number>(this.ctx.ledger.types.size).fill(Infinity);
    return firstAllowed(this.ctx.lanes!, everything, front.options?.priority ?? 0);
  }
}
