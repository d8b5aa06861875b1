import type { Ledger } from '../ledger/ledger.js';
import type { QueuedRequest } from '../model.js';
import type { PolicyName } from '../policy/index.js';
import type { PendingPreemption, Preemption } from '../preemption/preemption.js';
import type { WaitQueue } from '../queue/wait-queue.js';
import type { Lanes } from '../tenants/lanes.js';
import type { Tenant } from '../tenants/tenants.js';
import type { DemandScratch } from './demands.js';

/** What a holding is made of, for a replay: units by type and whom they count against. */
export interface Holding {
  readonly types: readonly number[];
  readonly units: readonly number[];
  readonly account: Tenant | undefined;
}

/**
 * A pending deadline as a replay sees it. `end`: a holding's units go back at `at` and the
 * queue drains (a lease; with two-phase reservations, an unconfirmed reservation's expiry
 * too, with `allocation` false when it is no live allocation).
 */
export type Due =
  | { readonly kind: 'timeout'; readonly request: QueuedRequest }
  | { readonly kind: 'end'; readonly holding: Holding; readonly allocation: boolean }
  | { readonly kind: 'grace'; readonly pending: PendingPreemption };

/**
 * The manager's state as explain and contention read it, never change it: the manager builds
 * one per call (ResourceManager#contentionView). See docs/contention.md.
 */
export interface ContentionView {
  /** Clock ms now. */
  readonly now: number;
  readonly policyName: PolicyName;
  readonly ledger: Pick<Ledger, 'types' | 'capacityOf' | 'allocatedOf' | 'freeOf' | 'fits' | 'freeVector' | 'liveAllocations' | 'allocationCount'>;
  readonly queue: Pick<WaitQueue, 'size' | 'forEachRun' | 'inOrder' | 'firstFittingExcept'>;
  /** Waiting requests by tenant, once a quota is set or under fair share. */
  readonly lanes: Pick<Lanes, 'prioritiesFrom' | 'lanesAt'> | undefined;
  /** The waiting request the policy ranks first, and what it holds back from the rest (the starvation guard). */
  readonly front: QueuedRequest | undefined;
  readonly reserve: readonly number[] | undefined;
  /** True once any tenant has had a quota: a waiting request may then be held by one. */
  readonly quotas: boolean;
  readonly maxBypass: number;
  readonly maxAllocations: number;
  /** Only when preemption is on. */
  readonly preemption: Pick<Preemption, 'waiting' | 'pendingOf' | 'pending'> | undefined;
  /** Visits every current deadline with its push order (equal deadlines fire in that order). */
  dues(visit: (at: number, order: number, due: Due) => void): void;
  /** How long `w` holds what it is granted before it ends by itself (its lease), or undefined: until released. */
  holdAfterGrant(w: QueuedRequest): number | undefined;
  /** A tenant's dominant share divided by its weight: fair share's order. */
  weightedShare(t: Tenant): number;
  /** Buffers a contention report reuses from one call to the next. */
  readonly scratch: DemandScratch;
}
