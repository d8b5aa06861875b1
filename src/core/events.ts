import type { Job } from './jobs/categories.js';
import type { Allocation, Reservation, WaitingRequest } from './model.js';
import type { TenantView } from './tenants/tenants.js';

/**
 * Every change of state, in the order it happened: the one stream that replies, and a
 * journal, metrics or a replicated store, are made from. See docs/architecture.md.
 */
export type CoreEvent =
  /** An allocation was made: at once (with its `requestId`, if any), or for `request`, which waited in the queue until now. */
  | { readonly kind: 'granted'; readonly allocation: Allocation; readonly request: WaitingRequest | undefined; readonly requestId?: string }
  /** A request started to wait. */
  | { readonly kind: 'queued'; readonly request: WaitingRequest }
  /** An allocation ended by a release: by its holder, or by an admin (`revoked`). */
  | { readonly kind: 'released'; readonly allocation: Allocation; readonly revoked: boolean; readonly jobStatus: string | undefined }
  | { readonly kind: 'lease_expired'; readonly allocation: Allocation }
  /** A lease was started or extended; its deadline is on the allocation. */
  | { readonly kind: 'renewed'; readonly allocation: Allocation }
  | { readonly kind: 'cancelled'; readonly request: WaitingRequest }
  | { readonly kind: 'timed_out'; readonly request: WaitingRequest }
  /** Capacities were set, units by type index. */
  | { readonly kind: 'capacity_set'; readonly capacity: readonly (readonly [type: number, units: number])[] }
  | { readonly kind: 'jobs_submitted'; readonly category: string; readonly limit: number; readonly jobs: number; readonly src: string; readonly via?: string }
  | { readonly kind: 'job_started'; readonly job: Job }
  | { readonly kind: 'job_completed'; readonly category: string; readonly jobId: string }
  /** A tenant's weight or quota was set; `view` is the tenant after it. */
  | { readonly kind: 'tenant_set'; readonly view: TenantView }
  /**
   * Victim `allocation` is asked to end within `graceMs`, for waiting `request`; `withheld` is
   * what was free of the request's needs and is held back for it, parallel to its types.
   */
  | { readonly kind: 'preempt_notice'; readonly allocation: Allocation; readonly graceMs: number; readonly request: WaitingRequest; readonly withheld: readonly number[] }
  /** Victim `allocation` was ended to make room for allocation `by`, granted just before. */
  | { readonly kind: 'preempted'; readonly allocation: Allocation; readonly by: string }
  /** A reservation was made: at once, or for `request`, a reserve that waited in the queue until now. */
  | { readonly kind: 'reserved'; readonly reservation: Reservation; readonly request: WaitingRequest | undefined; readonly requestId?: string }
  /** A reservation became `allocation`, of the same units and members, in one step. */
  | { readonly kind: 'confirmed'; readonly reservation: Reservation; readonly allocation: Allocation }
  /** A reservation was given up: by its holder, or by an admin (`revoked`). */
  | { readonly kind: 'aborted'; readonly reservation: Reservation; readonly revoked: boolean }
  /** A reservation's hold ran out unconfirmed. */
  | { readonly kind: 'reservation_expired'; readonly reservation: Reservation };

/** The events that owe a message to a client other than the one whose call caused them. */
export type OwedEvent = Extract<CoreEvent, { readonly kind: 'granted' | 'timed_out' | 'lease_expired' | 'job_started' | 'preempt_notice' | 'preempted' | 'reserved' | 'reservation_expired' }>;
