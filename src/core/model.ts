import type { Tenant } from './tenants/tenants.js';

/** Options of an allocate beyond its requirements (docs/extensions.md). All optional. */
export interface AllocateOptions {
  /** Higher waits in front; ties go by arrival. Default 0. */
  readonly priority?: number;
  /** Give up waiting after this many milliseconds. */
  readonly timeoutMs?: number;
  /** The allocation is reclaimed unless renewed within this many milliseconds. */
  readonly leaseMs?: number;
  /** Idempotency key: the same key from the same client gets the same outcome. */
  readonly requestId?: string;
  /** Who the request counts against for quotas and fair share. Default: the client (`src`). */
  readonly tenant?: string;
}

/** Options of a reserve (docs/contention.md#reservations): an allocate's without a lease, and how long the hold lasts. */
export interface ReserveOptions {
  /** The reservation ends unless confirmed within this many milliseconds of being granted. */
  readonly holdMs: number;
  readonly priority?: number;
  readonly timeoutMs?: number;
  readonly requestId?: string;
  readonly tenant?: string;
}

/** A request's options: an allocate's, or a reserve's (with `holdMs`). */
export type RequestOptions = AllocateOptions & { readonly holdMs?: number };

/** Who asked: enough to address a later grant, timeout or expiry to the client. */
export interface Requester {
  /** The client (`src` of the allocate). */
  readonly src: string;
  /** `msg_id` of the allocate, for `in_reply_to` on a later grant. */
  readonly msgId: number;
  /** `dest` of the allocate: the node's name as that client knows it. */
  readonly via: string;
}

/** A request that did not fit and waits in the queue. */
export interface WaitingRequest extends Requester {
  /** Arrival order; unique and increasing. */
  readonly seq: number;
  /** Resource type indices in request order. */
  readonly types: readonly number[];
  /** Amounts in thousandths, parallel to `types`. */
  readonly units: readonly number[];
  /** `holdMs` is set for a reserve. */
  readonly options: RequestOptions | undefined;
  /** When the request times out (clock ms), or -1. */
  readonly deadline: number;
  /** When it started waiting (clock ms). */
  readonly queuedAt: number;
  /** Its tenant: the `tenant` option, else `src`. */
  readonly tenant: string;
}

/** A granted allocation. */
export interface Allocation extends Requester {
  readonly id: string;
  /** Its place among the grants of its manager: 1, 2, ... A counted id is its prefix and this. */
  readonly serial: number;
  readonly types: readonly number[];
  readonly units: readonly number[];
  /** Named members held, per member type index, when the grant touched member types. */
  readonly members: ReadonlyMap<number, readonly string[]> | undefined;
  /** Lease length in ms, or -1 when the allocation has no lease. */
  readonly leaseMs: number;
  /** When the lease runs out (clock ms), or -1. */
  readonly leaseDeadline: number;
  /** Its request's tenant. */
  readonly tenant: string;
  /** Its request's priority (0 when none was given). */
  readonly priority: number;
}

/** How long an unconfirmed reservation is held. */
export interface Hold {
  /** The `holdMs` it was reserved with. */
  readonly ms: number;
  /** When it expires unconfirmed (clock ms): `ms` after it was granted. */
  readonly deadline: number;
}

/** A reservation: held like an allocation (its units count as allocated) until confirmed, aborted or expired. */
export interface Reservation extends Allocation {
  readonly hold: Hold;
}

// The core's own records: the public ones plus the bookkeeping of the structures that hold
// them, kept on the object itself (no side table to look up on the hot path).

/** A waiting request as the core keeps it. */
export interface QueuedRequest extends WaitingRequest {
  /** The wait queue points this at its group's copy of the same list (one copy per group). */
  types: readonly number[];
  deadline: number;
  queuedAt: number;
  /** Starvation guard: later grants that passed this request while it was the front. */
  bypassed: number;
  /** Starvation guard: no later request may take what this one still needs. */
  reserved: boolean;
  /** Wait queue: its slot and group. */
  slot: number;
  group: unknown;
  /** Cancel index: filed by client and msg_id. */
  filedBySource: boolean;
  /** Its tenant's record, while tenants are kept (see Tenants). */
  account: Tenant | undefined;
  /** Its tenant's lane, while it waits in one (see Lanes). */
  lane: unknown;
}

/** An allocation as the core keeps it. */
export interface HeldAllocation extends Allocation {
  leaseMs: number;
  leaseDeadline: number;
  /** Ledger: which ledger holds it while it is live, 0 once it ended. */
  held: number;
  /** Ledger: filed in its index by id. */
  filedById: boolean;
  /** Cancel index: filed by client and msg_id. */
  filedBySource: boolean;
  /** Its tenant's record, while tenants are kept (see Tenants). */
  account: Tenant | undefined;
  /** Set for a reservation (see Reservations); undefined for an allocation. */
  hold: Hold | undefined;
}
