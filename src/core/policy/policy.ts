import type { Ledger } from '../ledger/ledger.js';
import type { QueuedRequest } from '../model.js';
import type { WaitQueue } from '../queue/wait-queue.js';

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

/** What a policy reads: the wait queue (priority, then arrival) and the ledger. */
export interface PolicyContext {
  readonly queue: WaitQueue;
  readonly ledger: Ledger;
}

/**
 * The order and fit of waiting requests: which newcomer may pass those waiting, and which
 * waiting request a drain grants next. A request that fits with nothing in front of it is
 * granted under every policy; the rest is the policy's. See docs/architecture.md.
 */
export interface Policy {
  /** Newcomer `w`, which stands behind `front`: grant it now, or say why it waits. */
  admit(w: QueuedRequest, front: QueuedRequest): Admission;
  /** The next waiting request to grant now, `front` being the front of the queue; undefined ends the drain. */
  next(front: QueuedRequest): QueuedRequest | undefined;
  /** `w` was granted; `passed` is the front it was granted past, if any. Orders that change with holdings update here. */
  granted(w: QueuedRequest, passed: QueuedRequest | undefined): void;
  /** Units by type that `front` holds back from the requests behind it, if any. */
  reserveOf(front: QueuedRequest): readonly number[] | undefined;
}
