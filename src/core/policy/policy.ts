import type { Ledger } from '../ledger/ledger.js';
import type { QueuedRequest } from '../model.js';
import type { WaitQueue } from '../queue/wait-queue.js';
import type { LanesView } from '../tenants/lanes.js';

/**
 * Why a request waits: not enough is free, others stand in front of it, its tenant's quota,
 * or the allocations it preempts have not ended yet.
 */
export type WaitReason = 'resources' | 'order' | 'quota' | 'preempting';

/** A policy's answer for a newcomer that stands behind the front of the queue. */
export type Admission =
  | { readonly kind: 'grant' }
  | {
      readonly kind: 'wait';
      readonly reason: WaitReason;
      /** Units by type held back for the front (the starvation guard), when that is why. */
      readonly reserve?: readonly number[];
    };

/**
 * What a policy reads: the wait queue (priority, then arrival), the ledger, and, once a
 * tenant has a quota or shares are fair, the waiting requests by tenant (`lanes`).
 */
export interface PolicyContext<L extends LanesView = LanesView> {
  /** What a policy asks of the queue; explain's replay answers it through an overlay of the queue (src/core/contention/). */
  readonly queue: Pick<WaitQueue, 'head' | 'firstFitting'>;
  readonly ledger: Ledger;
  lanes: L | undefined;
}

/**
 * The order and fit of waiting requests: which newcomer may pass those waiting, and which
 * waiting request a drain grants next. A request that fits with nothing in front of it is
 * granted under every policy; the rest is the policy's. See docs/architecture.md.
 */
export interface Policy {
  /** The waiting request this policy ranks first: the one the starvation guard protects. */
  front(): QueuedRequest | undefined;
  /** Newcomer `w`, which stands behind `front`: grant it now, or say why it waits. */
  admit(w: QueuedRequest, front: QueuedRequest): Admission;
  /** The next waiting request to grant now, `front` being this policy's front; undefined ends the drain. */
  next(front: QueuedRequest): QueuedRequest | undefined;
  /** `w` was granted; `passed` is the front it was granted past, if the guard counts that. */
  granted(w: QueuedRequest, passed: QueuedRequest | undefined): void;
  /** Units by type that `front` holds back from the requests behind it, if any. */
  reserveOf(front: QueuedRequest): readonly number[] | undefined;
}
