import type { QueuedRequest } from '../model.js';
import type { Admission, Policy, PolicyContext } from './policy.js';

const BEHIND: Admission = Object.freeze({ kind: 'wait', reason: 'order' });
const NO_ROOM: Admission = Object.freeze({ kind: 'wait', reason: 'resources' });

/** Strict order: nothing is granted past a waiting request. */
export class Fifo implements Policy {
  constructor(private readonly ctx: PolicyContext) {}

  admit(w: QueuedRequest): Admission {
    return this.ctx.ledger.fits(w.types, w.units) ? BEHIND : NO_ROOM;
  }

  next(front: QueuedRequest): QueuedRequest | undefined {
    return this.ctx.ledger.fits(front.types, front.units) ? front : undefined;
  }

  granted(): void {}

  reserveOf(): undefined {
    return undefined;
  }
}
