import { SequentialIds } from '../lib/sequential-ids.js';
import { input, refuse, words } from './errors.js';
import type { CoreEvent, OwedEvent } from './events.js';
import { DemandScratch, contention, explain, type ContentionReport, type ContentionView, type Explanation } from './contention/index.js';
import { Categories, type CategoryRecord, type CategoryStatus, type CompleteResult, type SubmitResult, type Submitter } from './jobs/categories.js';
import { SCALE, capacityProblem, toUnits } from './ledger/amounts.js';
import { JobStatusCounts } from './ledger/job-statuses.js';
import { heldAllocation } from './ledger/held-allocations.js';
import { Ledger, type EndedAllocation } from './ledger/ledger.js';
import { Pools } from './ledger/pools.js';
import { Requirements, type Requirement } from './ledger/requirements.js';
import type { ResourceTypes } from './ledger/resource-types.js';
import { DeadlineHeap } from './lifecycle/deadlines.js';
import { Ownership } from './lifecycle/ownership.js';
import { RequestKeys, type KeyOutcome } from './lifecycle/request-keys.js';
import { Reservations, notAnAllocation, type EndedReservation } from './lifecycle/reservations.js';
import { LazySourceIndex, isAllocation } from './lifecycle/source-index.js';
import type { AllocateOptions, Allocation, Hold, HeldAllocation, QueuedRequest, Requester, RequestOptions, Reservation, ReserveOptions, WaitingRequest } from './model.js';
import { StarvationGuard, createPolicy, quotaHeld, type Policy, type PolicyContext, type PolicyName, type WaitReason } from './policy/index.js';
import { Preemption, type PendingPreemption, type PreemptionMode } from './preemption/preemption.js';
import { WaitQueue, ahead } from './queue/wait-queue.js';
import type { Store } from './store.js';
import { Lanes } from './tenants/lanes.js';
import { Tenants, type TenantSettings, type TenantView } from './tenants/tenants.js';

/** What a store recorded, resolved to type indices: the input of `ResourceManager.load` (made by src/core/snapshot.ts). */
export interface LoadedState {
  readonly grants: number;
  readonly seq: number;
  readonly reservationSerial: number;
  readonly reservationsUsed: boolean;
  readonly tenantsActive: boolean;
  readonly tenants: readonly (readonly [string, TenantSettings])[];
  /** Tenants in the order first known (status lists them so). */
  readonly tenantOrder: readonly string[];
  /** Ended allocations, oldest first. */
  readonly ended: readonly (EndedAllocation & { readonly via: string })[];
  /** Ended reservations, oldest first. */
  readonly endedReservations: readonly EndedReservation[];
  /** Live allocations and reservations, in the order granted. */
  readonly holdings: readonly (Allocation & { readonly hold: Hold | undefined })[];
  /** Waiting requests in arrival order. */
  readonly waiting: readonly WaitingRequest[];
  /** request_id outcomes, oldest settled first: a waiting request by seq, a grant by allocation, or how a request ended. */
  readonly keys: readonly (readonly [string, { readonly kind: 'waiting'; readonly seq: number } | { readonly kind: 'granted'; readonly allocation: Allocation & { readonly hold: Hold | undefined } } | { readonly kind: 'timed_out' | 'cancelled'; readonly request: WaitingRequest }])[];
  readonly jobStatuses: readonly (readonly [string, number])[];
  readonly categories: readonly CategoryRecord[];
}

export type { Requirement } from './ledger/requirements.js';
export type { EndedReservation, ReservationEnd } from './lifecycle/reservations.js';
export type { ContentionReport, Explanation } from './contention/index.js';
export type { TenantSettings, TenantView } from './tenants/tenants.js';

export interface ManagerOptions {
  /** Total capacity per resource type, in wire amounts. */
  readonly capacity: Iterable<readonly [string, number]>;
  /** Milliseconds now, wall-clock (the node passes `Date.now`), so deadlines can be kept across restarts. */
  readonly clock: () => number;
  /**
   * A fresh allocation id, for ids of the program's own making (the stdio node passes
   * UUID v7). Without it, ids are `idPrefix` followed by a count per manager: `a1`, `a2`, ...
   */
  readonly newId?: () => string;
  /** The text before the count in counted ids (when `newId` is not given). Default `a`. */
  readonly idPrefix?: string;
  /** The same for reservations, counted apart from allocations. Default `r`. */
  readonly reservationIdPrefix?: string;
  /** How the queue drains (docs/protocol.md, "The queue"). Default backfill. */
  readonly policy?: PolicyName;
  /** Starvation guard: later grants that may pass over the front before it reserves. */
  readonly maxBypass?: number;
  /** Most requests (and, separately, most jobs) waiting at once. */
  readonly maxQueue?: number;
  /** Most jobs kept at once, running and waiting. Default 1,000,000. */
  readonly maxJobs?: number;
  /** Most allocations held at once. Default 1,000,000. */
  readonly maxAllocations?: number;
  /** How many ended allocations and idempotency keys are remembered. */
  readonly remember?: number;
  /** Resource types made of named members; each one's capacity is its member count. */
  readonly pools?: Iterable<readonly [string, readonly string[]]>;
  /** Clients who may release or renew any allocation, when `release` or `renew` is told who asks. */
  readonly admins?: Iterable<string>;
  /** Where every change of state is recorded as it happens (see Store); none by default. */
  readonly store?: Store;
  /** Tenants' weights and quotas (docs/policies.md). */
  readonly tenants?: Iterable<readonly [string, TenantSettings]>;
  /** Whether a request may end allocations of lower priority to make room (docs/policies.md#preemption). Default off. */
  readonly preemption?: PreemptionMode;
  /** How long a victim has to release before it is preempted, in ms. Default 0: at once. */
  readonly preemptionGraceMs?: number;
}

const NO_EVENTS: readonly OwedEvent[] = Object.freeze([]);

export type AllocateOutcome =
  | {
      readonly kind: 'granted';
      readonly allocation: Allocation;
      /** What the grant owes others: preempted victims, then the grants of a drain. */
      readonly events?: readonly OwedEvent[];
    }
  | {
      readonly kind: 'queued';
      readonly request: WaitingRequest;
      /** Not enough is free (`resources`), others stand in front (`order`), or its tenant's quota (`quota`). */
      readonly reason: WaitReason;
      /** Free units of each requested type, in request order (under `quota`: what the quota still allows, at most free). */
      readonly available: readonly number[];
      /** Units of the first requested type that does not fit (under `quota`: the first over it). */
      readonly required: number;
      /** The notices a preemptor owes its victims. */
      readonly events?: readonly OwedEvent[];
    };

/** What a reserve led to: a reservation now, or a wait (as for an allocate). */
export type ReserveOutcome =
  | {
      readonly kind: 'reserved';
      readonly reservation: Reservation;
      /** Ms until it expires unconfirmed: its `holdMs` when just made, what is left on a retry (0 once it ended). */
      readonly expiresInMs: number;
    }
  | Extract<AllocateOutcome, { readonly kind: 'queued' }>;

/** Most resource types: a capacity change naming new ones past this many is refused (limit). */
export const MAX_RESOURCE_TYPES = 1024;

type Deadline =
  | { readonly kind: 'timeout'; readonly request: QueuedRequest }
  | { readonly kind: 'lease'; readonly allocation: HeldAllocation; readonly at: number }
  | { readonly kind: 'grace'; readonly pending: PendingPreemption }
  | { readonly kind: 'hold'; readonly reservation: HeldAllocation };

/**
 * The pure core, behind one facade: the ledger, the wait queue and its policy, deadlines,
 * retries and job categories. No I/O, no wire codes: the clock and ids come in through the
 * options, refusals are CoreErrors, and every change of state goes to the store as a
 * CoreEvent. Each call returns what happened, with the events that owe other clients a
 * message. See docs/architecture.md.
 */
export class ResourceManager {
  /** The name of the policy the queue drains by. */
  readonly policyName: PolicyName;
  private readonly ledger: Ledger;
  private readonly categories: Categories;
  private readonly pools = new Pools();
  private readonly queue = new WaitQueue();
  private readonly policy: Policy;
  /** What the policy reads; its lanes appear once a quota is set or under fair share. */
  private readonly policyContext: PolicyContext<Lanes>;
  private readonly tenants: Tenants;
  private readonly guard: StarvationGuard;
  private readonly ownership: Ownership;
  private readonly deadlines = new DeadlineHeap<Deadline>((d) => this.isCurrent(d));
  private readonly clock: () => number;
  private readonly store: Store | undefined;
  /** The source of ids when they are counted (no `newId` given), else the program's own. */
  private readonly counted: SequentialIds | undefined;
  private readonly newId: (() => string) | undefined;
  /** Grants so far: the serial of the latest. */
  private grants = 0;
  private readonly maxQueue: number;
  private readonly maxAllocations: number;
  private seq = 0;
  /** Waiting requests and live allocations by client and msg_id, for cancel. */
  private readonly bySource = new LazySourceIndex((e) => (isAllocation(e) ? this.ledger.holds(e) : this.queue.has(e)));
  /** Outcomes by client and request_id, for idempotent retries. */
  private readonly requestKeys: RequestKeys;
  private readonly jobStatuses = new JobStatusCounts();
  /** Checks requirements and resolves them to shared shapes. */
  private readonly requirements: Requirements;
  /** Only when preemption is on. */
  private readonly preemption: Preemption | undefined;
  private readonly reservations: Reservations;

  constructor(options: ManagerOptions) {
    this.clock = options.clock;
    this.store = options.store;
    this.newId = options.newId;
    this.counted = this.newId === undefined ? new SequentialIds(options.idPrefix) : undefined;
    this.maxQueue = options.maxQueue ?? 100_000;
    this.ownership = new Ownership(options.admins);
    const remember = options.remember ?? 100_000;
    this.ledger = new Ledger(remember, this.counted);
    this.requestKeys = new RequestKeys(remember);
    this.reservations = new Reservations(remember, this.newId, options.reservationIdPrefix ?? 'r');
    this.categories = new Categories(this.maxQueue, options.maxJobs ?? 1_000_000);
    this.maxAllocations = options.maxAllocations ?? 1_000_000;
    for (const [name, amount] of options.capacity) this.ledger.setCapacity(name, toUnits(amount));
    for (const [name, members] of options.pools ?? []) this.pools.declare(this.ledger.setCapacity(name, members.length * SCALE), name, members);
    this.requirements = new Requirements(this.ledger.types, this.pools, this.ledger.shapes);
    this.policyName = options.policy ?? 'backfill';
    this.guard = new StarvationGuard(options.maxBypass ?? 100);
    this.policyContext = { queue: this.queue, ledger: this.ledger, lanes: undefined };
    this.policy = createPolicy(this.policyName, this.policyContext, this.guard);
    this.preemption = options.preemption === 'lower-priority' ? new Preemption(this.ledger, options.preemptionGraceMs ?? 0) : undefined;
    this.tenants = new Tenants(this.ledger, this.policyName === 'drf');
    let configured = false;
    for (const [name, settings] of options.tenants ?? []) {
      this.tenants.configure(name, settings);
      configured = true;
    }
    if (configured || this.policyName === 'drf') this.activateTenants();
  }

  // ---- restore (src/core/snapshot.ts) -----------------------------------------------------

  /**
   * Rebuilds recorded state on a fresh manager, made with the recorded capacity. Deadlines
   * already past fire at the next `advance`, in the usual way.
   */
  load(s: LoadedState): void {
    if (this.grants !== 0 || this.seq !== 0 || this.ledger.allocationCount !== 0) throw new Error('load: the manager is not fresh');
    this.grants = s.grants;
    this.seq = s.seq;
    this.reservations.restoreSerial(s.reservationSerial);
    if (s.reservationsUsed) this.reservations.used = true;
    for (const name of s.tenantOrder) this.tenants.of(name);
    for (const [name, settings] of s.tenants) this.tenants.configure(name, settings);
    if (s.tenantsActive || s.tenants.length > 0) this.activateTenants();
    for (const e of s.ended) {
      // Held for a moment and ended, so the ledger remembers it as any ended allocation.
      const a = heldAllocation(e.id, 0, { src: e.src, msgId: 0, via: e.via }, e.types, e.units, undefined, e.src, 0, undefined);
      this.ledger.add(a);
      this.ledger.end(a, e.how);
      if (e.by !== undefined) this.ledger.notePreemptedBy(e.id, e.by);
    }
    for (const e of s.endedReservations) this.reservations.remember(e);
    const byId = new Map<string, HeldAllocation>();
    for (const h of s.holdings) {
      const a = heldAllocation(h.id, h.serial, h, h.types, h.units, h.members, h.tenant, h.priority, h.hold);
      if (h.members !== undefined) this.pools.takeNamed(h.id, h.members);
      this.ledger.add(a);
      if (this.tenants.active) this.holdFor(a, undefined, h.tenant !== h.src);
      this.bySource.add(a);
      byId.set(a.id, a);
      if (h.hold !== undefined) {
        this.reservations.held++;
        this.deadlines.push(h.hold.deadline, { kind: 'hold', reservation: a });
      } else {
        this.preemption?.granted(a);
        if (h.leaseDeadline >= 0) {
          a.leaseMs = h.leaseMs;
          a.leaseDeadline = h.leaseDeadline;
          this.deadlines.push(a.leaseDeadline, { kind: 'lease', allocation: a, at: a.leaseDeadline });
        }
      }
    }
    const bySeq = new Map<number, QueuedRequest>();
    for (const r of s.waiting) {
      const w = queuedRequest(r, this.guard.reservesAtOnce);
      this.queue.add(w);
      this.bySource.add(w);
      // After it is queued: the heap drops entries whose request does not wait.
      if (w.deadline >= 0) this.deadlines.push(w.deadline, { kind: 'timeout', request: w });
      if (this.tenants.active) {
        const t = (w.account = this.tenants.of(w.tenant));
        if (w.options?.tenant !== undefined) t.named = true;
        t.queued++;
        this.policyContext.lanes?.add(w, t);
      }
      bySeq.set(w.seq, w);
    }
    for (const [key, o] of s.keys) {
      if (o.kind === 'waiting') {
        const w = bySeq.get(o.seq);
        if (w !== undefined) this.requestKeys.wait(key, w);
      } else if (o.kind === 'granted') {
        const h = o.allocation;
        // An allocation ended since is answered as granted, as it was before the restart.
        const a = byId.get(h.id) ?? heldAllocation(h.id, h.serial, h, h.types, h.units, h.members, h.tenant, h.priority, h.hold);
        this.requestKeys.settle(key, { kind: 'granted', allocation: a });
      } else {
        const r = o.request;
        this.requestKeys.settle(key, { kind: o.kind, request: queuedRequest(r, false) });
      }
    }
    for (const [status, n] of s.jobStatuses) this.jobStatuses.restore(status, n);
    this.categories.load(s.categories);
  }

  // ---- what is known: read-only views for status, tools and tests -------------------

  /** Resource type names by index, in declaration order. */
  get types(): Pick<ResourceTypes, 'name' | 'indexOf' | 'list' | 'size' | 'jsonKey'> {
    return this.ledger.types;
  }

  capacityOf(t: number): number {
    return this.ledger.capacityOf(t);
  }

  freeOf(t: number): number {
    return this.ledger.freeOf(t);
  }

  allocatedOf(t: number): number {
    return this.ledger.allocatedOf(t);
  }

  /** Live allocations now (reservations not counted). */
  get allocationCount(): number {
    return this.ledger.allocationCount - this.reservations.held;
  }

  /** The live allocation with this id. */
  allocation(id: string): Allocation | undefined {
    const a = this.ledger.get(id);
    return a?.hold === undefined ? a : undefined;
  }

  *liveAllocations(): IterableIterator<Allocation> {
    for (const a of this.ledger.liveAllocations()) if (a.hold === undefined) yield a;
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.queue.size;
  }

  /** Every waiting request in queue order (O(n log n); for status and tests). */
  waitingRequests(): WaitingRequest[] {
    return this.queue.toArray();
  }

  /** Every category with its limit and counts, in the order they were made. */
  categoryStatus(): Map<string, CategoryStatus> {
    return this.categories.status();
  }

  /** Counts of released allocations by job_status (see JOB_STATUSES_COUNTED). */
  jobStatusCounts(): ReadonlyMap<string, number> {
    return this.jobStatuses.all;
  }

  /** Member types (`pools`), in declaration order. */
  memberTypes(): readonly number[] {
    return this.pools.memberTypes();
  }

  isMemberType(t: number): boolean {
    return this.pools.isMemberType(t);
  }

  /** `[member, allocation id or null]` for member type `t`, in declaration order. */
  memberHolders(t: number): [string, string | null][] {
    return this.pools.holders(t);
  }

  /** Free members of member type `t`. */
  freeMembers(t: number): number {
    return this.pools.freeCount(t);
  }

  /** Clients who may release or renew allocations they do not hold. */
  get admins(): ReadonlySet<string> {
    return this.ownership.admins;
  }

  /** The tenants status lists, in the order first known; undefined while no tenant feature is in use. */
  tenantViews(): TenantView[] | undefined {
    return this.tenants.active ? this.tenants.views() : undefined;
  }

  // ---- contention: explain and contention read the state (src/core/contention/) --------

  /**
   * Why the request `src` sent as `msgId` waits, and until when (docs/contention.md#explain);
   * unknown when no such request waits. `budget` bounds the work of its replay (REPLAY_BUDGET).
   */
  explain(src: string, msgId: number, budget?: number): Explanation {
    const found = this.bySource.get(src, msgId);
    if (found === undefined) throw refuse.unknown(words`no waiting request with ${input('msgId')} ${msgId} from ${JSON.stringify(src)}`);
    if (isAllocation(found)) throw refuse.unknown(`request ${msgId} from ${JSON.stringify(src)} is not waiting: it was granted as ${JSON.stringify(found.id)}`);
    return explain(this.contentionView(), found, budget);
  }

  /** The waiting requests against capacity: demand, pressure, reasons, the oldest wait, common demands (docs/contention.md#contention). */
  contention(): ContentionReport {
    return contention(this.contentionView());
  }

  /** The state as explain and contention read it; built per call, it changes nothing. */
  private contentionView(): ContentionView {
    const front = this.policy.front();
    return {
      now: this.clock(),
      policyName: this.policyName,
      ledger: this.ledger,
      queue: this.queue,
      lanes: this.policyContext.lanes,
      front,
      reserve: front === undefined ? undefined : this.policy.reserveOf(front),
      quotas: this.tenants.quotas,
      maxBypass: this.guard.maxBypass,
      maxAllocations: this.maxAllocations,
      preemption: this.preemption,
      dues: (visit) =>
        this.deadlines.forEachCurrent((at, order, d) => {
          if (d.kind === 'lease') visit(at, order, { kind: 'end', holding: d.allocation, allocation: true });
          else if (d.kind === 'hold') visit(at, order, { kind: 'end', holding: d.reservation, allocation: true });
          else visit(at, order, d);
        }),
      // A waiting reserve, once granted, holds until its hold_ms runs out unconfirmed (nothing else arrives in a replay).
      holdAfterGrant: (w) => w.options?.holdMs ?? w.options?.leaseMs,
      weightedShare: (t) => this.tenants.dominantShare(t) / t.weight,
      scratch: (this.contentionScratch ??= new DemandScratch()),
    };
  }

  private contentionScratch: DemandScratch | undefined;

  // ---- allocate ----------------------------------------------------------------------

  /** Grants the requirements now if they fit (and the policy allows), else queues them. */
  allocate(who: Requester, requirements: readonly Requirement[], options?: AllocateOptions): AllocateOutcome {
    return this.ask(who, requirements, options);
  }

  /** An allocate, or a reserve (`holdMs` set): granted now if it fits and the policy allows, else queued. */
  private ask(who: Requester, requirements: readonly Requirement[], options: RequestOptions | undefined): AllocateOutcome {
    const { types, units } = this.requirements.resolve(requirements);
    const key = options?.requestId === undefined ? undefined : RequestKeys.of(who.src, options.requestId);
    if (key !== undefined) {
      const seen = this.requestKeys.get(key);
      if (seen !== undefined) return this.replay(seen, types, units, options!);
    }
    const seq = ++this.seq;
    const tenant = options?.tenant ?? who.src;
    let held = false;
    if (options?.tenant !== undefined) this.activateTenants();
    if (this.tenants.quotas) {
      const t = this.tenants.get(tenant);
      if (t?.quota !== undefined) {
        this.tenants.checkQuota(t, types, units);
        held = t.wouldPass(types, units);
      }
    }
    // Under every policy, a request that fits with nothing waiting in front of it is granted
    // (a newcomer stands behind every waiting request of its priority). This common case
    // builds no waiting request.
    const front = this.policy.front();
    const fits = this.ledger.fits(types, units);
    if (fits && !held && (front === undefined || (options?.priority ?? 0) > (front.options?.priority ?? 0))) {
      this.checkAllocationLimit();
      return { kind: 'granted', allocation: this.grant(who, types, units, options, undefined) };
    }
    const w: QueuedRequest = {
      src: who.src,
      msgId: who.msgId,
      via: who.via,
      seq,
      types,
      units,
      options,
      deadline: -1,
      queuedAt: -1,
      bypassed: 0,
      // --max-bypass 0: passed over by 0 grants already, so the front reserves from the start.
      reserved: this.guard.reservesAtOnce,
      slot: -1,
      group: undefined,
      filedBySource: false,
      tenant,
      account: undefined,
      lane: undefined,
    };
    // Held by its own tenant's quota: it waits for its tenant to release, whatever is free.
    const outcome = held ? this.enqueue(w, 'quota', undefined) : this.admit(w, front);
    if (key !== undefined && outcome.kind === 'queued') this.requestKeys.wait(key, w);
    return outcome;
  }

  /** A newcomer that did not take the common path: in front of the queue it waits for room; behind, the policy decides. */
  private admit(w: QueuedRequest, front: QueuedRequest | undefined): AllocateOutcome {
    // In front of every waiting request, it did not fit (else it took the common path).
    if (front === undefined || ahead(w, front)) return this.waitOrPreempt(w, undefined, 'resources', undefined);
    const admission = this.policy.admit(w, front);
    if (admission.kind === 'wait') return this.waitOrPreempt(w, front, admission.reason, admission.reserve);
    this.checkAllocationLimit();
    // A front held by its tenant's quota is not waiting for room: passing it counts for nothing.
    const passed = quotaHeld(front) ? undefined : front;
    const allocation = this.grant(w, w.types, w.units, w.options, undefined);
    this.policy.granted(w, passed);
    return { kind: 'granted', allocation };
  }

  // ---- preemption (docs/policies.md#preemption) ---------------------------------------

  /** `w` cannot be granted now: with preemption on, it may end allocations of lower priority to make room; else it waits. */
  private waitOrPreempt(w: QueuedRequest, front: QueuedRequest | undefined, reason: WaitReason, reserve: readonly number[] | undefined): AllocateOutcome {
    const preemption = this.preemption;
    // Only capacity is preempted for: a request its own tenant's quota holds waits, preempting nothing.
    // A reserve never preempts: it waits (docs/contention.md#reservations).
    if (preemption === undefined || reason === 'quota' || w.options?.holdMs !== undefined) return this.enqueue(w, reason, reserve);
    // Under fifo nothing passes a waiting request: one behind another preempts nothing.
    if (front !== undefined && this.policyName === 'fifo') return this.enqueue(w, reason, reserve);
    const frontReserve = front === undefined ? undefined : this.policy.reserveOf(front);
    const victims = preemption.choose(w, frontReserve);
    if (victims === undefined) return this.enqueue(w, reason, reserve);
    if (preemption.graceMs > 0) return this.preemptAfterGrace(preemption, w, victims, frontReserve, reserve);
    const passed = front === undefined || quotaHeld(front) ? undefined : front;
    for (const v of victims) this.end(v, 'preempted');
    const allocation = this.grant(w, w.types, w.units, w.options, undefined);
    this.policy.granted(w, passed);
    const events: OwedEvent[] = [];
    this.preempted(victims, allocation.id, events);
    return { kind: 'granted', allocation, events: this.drain(events) };
  }

  /** Queues preemptor `w` and tells each victim to release within the grace; room is held back for `w` meanwhile. */
  private preemptAfterGrace(
    preemption: Preemption,
    w: QueuedRequest,
    victims: readonly HeldAllocation[],
    frontReserve: readonly number[] | undefined,
    reserve: readonly number[] | undefined,
  ): AllocateOutcome {
    // Queued first, so a full queue refuses it before any victim hears of it.
    const outcome = this.enqueue(w, 'preempting', reserve);
    const pending = preemption.notice(w, victims, frontReserve);
    const graceMs = preemption.graceMs;
    this.deadlines.push(this.clock() + graceMs, { kind: 'grace', pending });
    const withheld = pending.withheld.slice();
    const events = victims.map((v): OwedEvent => {
      const e: OwedEvent = { kind: 'preempt_notice', allocation: v, graceMs, request: w, withheld };
      this.store?.record(e);
      return e;
    });
    return { ...outcome, events };
  }

  /** The grace of `p` is over: its victims still live are preempted, and it is granted the room they leave. */
  private endGrace(p: PendingPreemption, events: OwedEvent[]): void {
    // None left: every victim ended in time, and only the limit of live allocations holds it (the drain grants it).
    if (p.victims.size === 0) return;
    const victims = [...p.victims];
    for (const v of victims) this.end(v, 'preempted');
    const e = this.grantPreemptor(p);
    events.push(e);
    this.preempted(victims, e.allocation.id, events);
  }

  /** Grants each preemptor that fits now in the room held back for it and what it may take of the free room. */
  private grantPreemptors(preemption: Preemption, events: OwedEvent[] | undefined): OwedEvent[] | undefined {
    for (const p of [...preemption.pending()]) {
      if (this.ledger.allocationCount >= this.maxAllocations) break;
      if (!preemption.fits(p, this.freeFor(p.request))) continue;
      const e = this.grantPreemptor(p);
      if (events === undefined) events = [e];
      else events.push(e);
    }
    return events;
  }

  /** What waiting `w` may take of each type's free room: all of it at the head of the queue; behind it, what the head's reserve leaves (under fifo, nothing). */
  private freeFor(w: QueuedRequest): (t: number) => number {
    const front = this.policy.front()!;
    if (front === w) return (t) => this.ledger.freeOf(t);
    if (this.policyName === 'fifo') return () => 0;
    const reserve = this.policy.reserveOf(front);
    return (t) => this.ledger.freeOf(t) - (reserve?.[t] ?? 0);
  }

  private grantPreemptor(p: PendingPreemption): Extract<OwedEvent, { kind: 'granted' }> {
    const w = p.request;
    const front = this.policy.front();
    const passed = w === front || front === undefined || quotaHeld(front) ? undefined : front;
    this.preemption!.settle(p);
    this.withdraw(w, true);
    const allocation = this.grant(w, w.types, w.units, w.options, w);
    this.policy.granted(w, passed);
    return { kind: 'granted', allocation, request: w };
  }

  /** Adds the `preempted` events of `victims`, ended for allocation `by`; each counts as job status `preempted`. */
  private preempted(victims: readonly HeldAllocation[], by: string, events: OwedEvent[]): void {
    for (const v of victims) {
      this.ledger.notePreemptedBy(v.id, by);
      this.jobStatuses.count('preempted');
      const e: OwedEvent = { kind: 'preempted', allocation: v, by };
      this.store?.record(e);
      events.push(e);
    }
  }

  /** A waiting preemptor left the queue ungranted (cancelled, timed out): its victims keep their allocations. */
  private dropPreemption(w: QueuedRequest): void {
    const p = this.preemption?.pendingOf(w);
    if (p !== undefined) this.preemption!.settle(p);
  }

  private enqueue(w: QueuedRequest, reason: WaitReason, reserve: readonly number[] | undefined): AllocateOutcome {
    if (this.queue.size >= this.maxQueue) {
      throw refuse.limit(`queue is full: ${this.queue.size} requests waiting, limit ${this.maxQueue}`);
    }
    w.queuedAt = this.clock();
    const timeoutMs = w.options?.timeoutMs;
    if (timeoutMs !== undefined) {
      w.deadline = w.queuedAt + timeoutMs;
      this.deadlines.push(w.deadline, { kind: 'timeout', request: w });
    }
    this.queue.add(w);
    this.bySource.add(w);
    if (this.tenants.active) {
      const t = (w.account = this.tenants.of(w.tenant));
      if (w.options?.tenant !== undefined) t.named = true;
      t.queued++;
      this.policyContext.lanes?.add(w, t);
    }
    this.store?.record({ kind: 'queued', request: w });
    return this.queued(w, reason, reserve);
  }

  /** The queued outcome of `w`: free units per requested type, and the first requested amount that does not fit. */
  private queued(w: QueuedRequest, reason: WaitReason, reserve: readonly number[] | undefined): AllocateOutcome {
    if (reason === 'quota') return this.heldByQuota(w);
    const ledger = this.ledger;
    let required = w.units[0]!;
    for (let i = 0; i < w.types.length; i++) {
      const t = w.types[i]!;
      if (w.units[i]! > ledger.freeOf(t) - (reserve?.[t] ?? 0)) {
        required = w.units[i]!;
        break;
      }
    }
    return { kind: 'queued', request: w, reason, available: this.availableFor(w.types), required };
  }

  /** The queued outcome of `w`, held by its tenant's quota: what the quota still allows, and the first amount over it. */
  private heldByQuota(w: QueuedRequest): AllocateOutcome {
    const t = w.account!;
    const available = new Array<number>(w.types.length);
    let required = -1;
    for (let i = 0; i < w.types.length; i++) {
      const type = w.types[i]!;
      available[i] = Math.min(this.ledger.freeOf(type), t.headroom(type));
      if (required < 0 && w.units[i]! > t.headroom(type)) required = w.units[i]!;
    }
    return { kind: 'queued', request: w, reason: 'quota', available, required };
  }

  /** Free units of each of `types`, in order. */
  private availableFor(types: readonly number[]): readonly number[] {
    const available = new Array<number>(types.length);
    for (let j = 0; j < types.length; j++) available[j] = this.ledger.freeOf(types[j]!);
    return available;
  }

  private replay(seen: KeyOutcome, types: readonly number[], units: readonly number[], options: RequestOptions): AllocateOutcome {
    const requestId = options.requestId!;
    const original = seen.kind === 'granted' ? seen.allocation : seen.request;
    const wasReserve = seen.kind === 'granted' ? seen.allocation.hold !== undefined : seen.request.options?.holdMs !== undefined;
    if (wasReserve !== (options.holdMs !== undefined)) {
      throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} was used before for ${wasReserve ? 'a reserve' : 'an allocate'}`);
    }
    const same = original.types.length === types.length && original.types.every((t, i) => t === types[i] && original.units[i] === units[i]);
    if (!same) throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} was used before with other requirements`);
    switch (seen.kind) {
      case 'timed_out':
        throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} timed out while waiting`);
      case 'cancelled':
        throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} was cancelled`);
      case 'granted':
        return { kind: 'granted', allocation: seen.allocation };
      case 'waiting': {
        const w = seen.request;
        const reason: WaitReason = this.preemption?.pendingOf(w) !== undefined ? 'preempting' : quotaHeld(w) ? 'quota' : this.ledger.fits(w.types, w.units) ? 'order' : 'resources';
        const front = this.policy.front();
        const reserve = front !== undefined && front !== w ? this.policy.reserveOf(front) : undefined;
        return this.queued(w, reason, reserve);
      }
    }
  }

  // ---- release, cancel, renew ----------------------------------------------------------

  /**
   * Releases a live allocation (or answers again for one already released). `target` is
   * its id, or the allocation itself as granted: a program holding the allocation saves a
   * lookup by id. `by`, when given, is the client asking: only the holder or an admin may
   * release (see Ownership), and a holder whose allocation an admin released is told so
   * rather than answered as a retry. Without `by` nothing is checked.
   */
  release(target: string | Allocation, jobStatus?: string, by?: string): { allocation: Allocation | EndedAllocation; events: readonly OwedEvent[] } {
    const a = this.live(target);
    if (a === undefined) return { allocation: this.releasedAgain(target, by), events: NO_EVENTS };
    if (a.hold !== undefined) throw notAnAllocation(a);
    const revoked = this.ownership.checkLive(a, by, 'release');
    this.end(a, revoked ? 'revoked' : 'released');
    if (jobStatus !== undefined) this.jobStatuses.count(jobStatus);
    this.store?.record({ kind: 'released', allocation: a, revoked, jobStatus });
    return { allocation: a, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** The answer to a release of an allocation that already ended: itself as remembered, or a refusal. */
  private releasedAgain(target: string | Allocation, by: string | undefined): EndedAllocation {
    const ended = this.ended(target);
    const id = JSON.stringify(ended.id);
    // A stranger learns nothing of how another client's allocation ended.
    this.ownership.checkEnded(ended, by, 'release');
    if (by === ended.src && ended.how === 'revoked') throw refuse.conflict(`allocation ${id} was released by an admin, not by its holder`);
    if (ended.how === 'expired') throw refuse.conflict(`allocation ${id} was reclaimed when its lease expired`);
    if (ended.how === 'preempted') throw refuse.conflict(`allocation ${id} was ${preemptedText(ended)}`);
    return ended;
  }

  /** What is remembered of the ended allocation `target` names (not a live one); unknown when nothing is. */
  private ended(target: string | Allocation): EndedAllocation {
    const id = typeof target === 'string' ? target : target.id;
    const ended = this.ledger.endedAllocation(id);
    if (ended === undefined) throw this.reservations.hasEnded(id) ? notAnAllocation({ id }) : refuse.unknown(`no allocation ${JSON.stringify(id)}`);
    return ended;
  }

  /** The live allocation `target` names, by id or as itself (one held by another manager goes by its id). */
  private live(target: string | Allocation): HeldAllocation | undefined {
    if (typeof target === 'string') return this.ledger.get(target);
    const a = target as HeldAllocation;
    return this.ledger.holds(a) ? a : this.ledger.get(target.id);
  }

  /** Withdraws a waiting allocate sent by `src` with `msgId` (see docs/extensions.md, "cancel", for a reused msg_id). */
  cancel(src: string, msgId: number): { request: WaitingRequest; events: readonly OwedEvent[] } {
    const found = this.bySource.get(src, msgId);
    if (found === undefined) throw refuse.unknown(words`no waiting request with ${input('msgId')} ${msgId} from ${JSON.stringify(src)}`);
    if (isAllocation(found)) {
      const [how, then] = found.hold === undefined ? ['granted', 'release'] : ['reserved', 'abort'];
      throw refuse.conflict(`request ${msgId} was already ${how} as ${JSON.stringify(found.id)}: ${then} it instead`);
    }
    this.withdraw(found, false);
    this.dropPreemption(found);
    const key = found.options?.requestId;
    if (key !== undefined) this.requestKeys.settle(RequestKeys.of(src, key), { kind: 'cancelled', request: found });
    this.store?.record({ kind: 'cancelled', request: found });
    return { request: found, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** Extends (or starts) the lease of a live allocation, given by id or as itself; `by` as for `release`. */
  renew(target: string | Allocation, leaseMs?: number, by?: string): Allocation {
    const a = this.live(target);
    if (a === undefined) {
      const ended = this.ended(target);
      this.ownership.checkEnded(ended, by, 'renew');
      const how = ended.how === 'expired' ? 'reclaimed when its lease expired' : ended.how === 'revoked' ? 'released by an admin' : ended.how === 'preempted' ? preemptedText(ended) : 'released';
      throw refuse.conflict(`allocation ${JSON.stringify(ended.id)} was already ${how}`);
    }
    if (a.hold !== undefined) throw notAnAllocation(a);
    this.ownership.checkLive(a, by, 'renew');
    const ms = leaseMs ?? (a.leaseMs > 0 ? a.leaseMs : undefined);
    if (ms === undefined) throw refuse.conflict(words`allocation ${JSON.stringify(a.id)} has no lease: give ${input('leaseMs')} to start one`);
    this.startLease(a, ms);
    this.store?.record({ kind: 'renewed', allocation: a });
    return a;
  }

  // ---- reservations (docs/contention.md#reservations) -----------------------------------

  /** Reserves the requirements now if they fit (and the policy allows), else queues the reserve; a reservation is held until confirmed, aborted or `holdMs` after it was granted. */
  reserve(who: Requester, requirements: readonly Requirement[], options: ReserveOptions): ReserveOutcome {
    const outcome = this.ask(who, requirements, options);
    this.reservations.used = true;
    if (outcome.kind === 'queued') return outcome;
    const r = outcome.allocation as Reservation;
    return { kind: 'reserved', reservation: r, expiresInMs: this.ledger.holds(r as HeldAllocation) ? r.hold.deadline - this.clock() : 0 };
  }

  /**
   * Makes live reservation `id` an allocation of the same units and members, in one step (no drain
   * between), with a lease when `leaseMs` is given; a repeat answers the same. `by` as for `release`.
   */
  confirm(id: string, leaseMs?: number, by?: string): EndedReservation {
    const r = this.ledger.get(id);
    if (r?.hold === undefined) {
      const ended = this.reservations.endedOf(id, r ?? this.ledger.endedAllocation(id));
      this.ownership.checkEnded(ended, by, 'confirm');
      return Reservations.confirmedAgain(ended);
    }
    this.ownership.checkLive(r, by, 'confirm');
    this.ledger.drop(r);
    this.bySource.remove(r);
    const serial = ++this.grants;
    const aid = this.counted !== undefined ? this.counted.idOf(serial) : this.newId!();
    const a = heldAllocation(aid, serial, r, r.types, r.units, r.members, r.tenant, r.priority, undefined);
    this.pools.transfer(r, aid);
    // Its tenant held the reservation's units, and holds them on as the allocation's.
    a.account = r.account;
    this.ledger.add(a);
    this.bySource.add(a);
    this.preemption?.granted(a);
    if (leaseMs !== undefined) this.startLease(a, leaseMs);
    const ended = this.reservations.end(r, 'confirmed', aid);
    this.store?.record({ kind: 'confirmed', reservation: r as Reservation, allocation: a });
    return ended;
  }

  /** Gives up live reservation `id` and re-drains the queue; a repeat answers the same. `by` as for `release`. */
  abort(id: string, by?: string): { reservation: EndedReservation; events: readonly OwedEvent[] } {
    const r = this.ledger.get(id);
    if (r?.hold === undefined) {
      const ended = this.reservations.endedOf(id, r ?? this.ledger.endedAllocation(id));
      this.ownership.checkEnded(ended, by, 'abort');
      return { reservation: Reservations.abortedAgain(ended), events: NO_EVENTS };
    }
    const revoked = this.ownership.checkLive(r, by, 'abort');
    const ended = this.endReservation(r, revoked ? 'revoked' : 'aborted');
    this.store?.record({ kind: 'aborted', reservation: r as Reservation, revoked });
    return { reservation: ended, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** The live reservation with this id. */
  reservation(id: string): Reservation | undefined {
    const r = this.ledger.get(id);
    return r?.hold === undefined ? undefined : (r as Reservation);
  }

  *liveReservations(): IterableIterator<Reservation> {
    for (const a of this.ledger.liveAllocations()) if (a.hold !== undefined) yield a as Reservation;
  }

  /** Unconfirmed reservations held now; undefined until the first reserve is taken. */
  get reservationCount(): number | undefined {
    return this.reservations.used ? this.reservations.held : undefined;
  }

  /** Grants a reserve: a reservation, held like an allocation until it is confirmed, aborted or its hold runs out. */
  private hold(who: Requester, types: readonly number[], units: readonly number[], holdMs: number, options: RequestOptions, waited: QueuedRequest | undefined): HeldAllocation {
    const [serial, id] = this.reservations.start();
    // The hold starts when the reservation is granted, not when its reserve arrived.
    const hold: Hold = { ms: holdMs, deadline: this.clock() + holdMs };
    const r = this.newHolding(id, serial, who, types, units, options, waited, hold);
    this.deadlines.push(hold.deadline, { kind: 'hold', reservation: r });
    // A reserve that waited names its request_id in its options; one granted at once, here.
    if (this.store !== undefined) this.store.record(waited === undefined && options.requestId !== undefined ? { kind: 'reserved', reservation: r as Reservation, request: undefined, requestId: options.requestId } : { kind: 'reserved', reservation: r as Reservation, request: waited });
    return r;
  }

  /** Ends live reservation `r` unconfirmed: its units and members go back, and nothing of it is kept as an allocation. */
  private endReservation(r: HeldAllocation, how: 'aborted' | 'revoked' | 'expired'): EndedReservation {
    this.ledger.drop(r);
    this.giveBack(r);
    return this.reservations.end(r, how);
  }

  // ---- capacity and jobs ---------------------------------------------------------------

  /** Sets capacities (new types allowed; shrinking below what is held preempts nothing). */
  setCapacity(resources: Iterable<readonly [string, number]>): readonly OwedEvent[] {
    const list = [...resources];
    // Check every entry before applying any, so a refused request changes nothing.
    let added = 0;
    for (const [name, amount] of list) {
      this.checkCapacitySettable(name);
      const problem = capacityProblem(amount);
      if (problem !== undefined) throw refuse.invalid(words`${input('capacity')}.${name} ${problem}`);
      if (this.ledger.types.indexOf(name) < 0) added++;
    }
    const types = this.ledger.types.size;
    if (added > 0 && types + added > MAX_RESOURCE_TYPES) {
      throw refuse.limit(`too many resource types: ${types} known and ${added} new, limit ${MAX_RESOURCE_TYPES}`);
    }
    const capacity = list.map(([name, amount]) => [this.ledger.setCapacity(name, toUnits(amount)), toUnits(amount)] as const);
    // Every share is a fraction of capacity.
    this.policyContext.lanes?.refileAll();
    this.store?.record({ kind: 'capacity_set', capacity });
    return this.drain(undefined) ?? NO_EVENTS;
  }

  // ---- tenants -------------------------------------------------------------------------

  /**
   * Sets a tenant's weight and quota (given parts only; an empty quota removes the limits).
   * Lowering a quota below what is held takes nothing back; raising one may grant waiting requests.
   */
  setTenant(name: string, settings: TenantSettings): { view: TenantView; events: readonly OwedEvent[] } {
    const t = this.tenants.configure(name, settings);
    this.activateTenants();
    this.enableLanes();
    this.policyContext.lanes?.shareChanged(t);
    const view = this.tenants.view(t);
    this.store?.record({ kind: 'tenant_set', view });
    return { view, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** Starts keeping holdings per tenant, from what is held and waiting now. Once on, it stays on. */
  private activateTenants(): void {
    if (this.tenants.active) return;
    this.tenants.active = true;
    for (const a of this.ledger.liveAllocations()) {
      a.account = this.tenants.of(a.tenant);
      this.tenants.hold(a.account, a.types, a.units);
    }
    for (const w of this.queue.toArray()) {
      w.account = this.tenants.of(w.tenant);
      w.account.queued++;
    }
    this.enableLanes();
  }

  /** Files waiting requests by tenant too, once a policy needs it: fair share, or a quota to respect. */
  private enableLanes(): void {
    if (this.policyContext.lanes !== undefined || !(this.policyName === 'drf' || this.tenants.quotas)) return;
    const lanes = new Lanes((t) => this.tenants.dominantShare(t) / t.weight);
    for (const w of this.queue.toArray()) lanes.add(w, w.account!);
    this.policyContext.lanes = lanes;
  }

  /** Refuses (invalid) when `name` is a member type: a pool's capacity is its member count. */
  private checkCapacitySettable(name: string): void {
    const t = this.ledger.types.indexOf(name);
    if (t >= 0) this.pools.checkCapacitySettable(t, name);
  }

  submitJobs(who: Submitter, category: string, limit: number | undefined, jobs: number): SubmitResult {
    const result = this.categories.submit(category, limit, jobs, who);
    this.store?.record({ kind: 'jobs_submitted', category, limit: this.categories.limitOf(category)!, jobs, src: who.src, via: who.via });
    return result;
  }

  completeJob(category: string, jobId?: string): CompleteResult {
    const result = this.categories.complete(category, jobId);
    if (this.store !== undefined) {
      this.store.record({ kind: 'job_completed', category, jobId: result.jobId });
      for (const job of result.started) this.store.record({ kind: 'job_started', job });
    }
    return result;
  }

  // ---- a client gone (docs/service.md#release-on-disconnect) ---------------------------

  /**
   * Ends everything clients `srcs` hold (allocations released with `jobStatus`, reservations
   * aborted) and withdraws everything they wait for, then re-drains the queue once: nothing
   * is granted to one of them on the way.
   */
  releaseHolders(srcs: Iterable<string>, jobStatus: string): { ended: number; withdrawn: number; events: readonly OwedEvent[] } {
    let ended = 0;
    let withdrawn = 0;
    for (const src of srcs) {
      for (const e of this.bySource.entriesOf(src)) {
        if (!isAllocation(e)) {
          this.withdraw(e, false);
          this.dropPreemption(e);
          const key = e.options?.requestId;
          if (key !== undefined) this.requestKeys.settle(RequestKeys.of(src, key), { kind: 'cancelled', request: e });
          this.store?.record({ kind: 'cancelled', request: e });
          withdrawn++;
        } else if (e.hold !== undefined) {
          this.endReservation(e, 'aborted');
          this.store?.record({ kind: 'aborted', reservation: e as Reservation, revoked: false });
          ended++;
        } else {
          this.end(e, 'released');
          this.jobStatuses.count(jobStatus);
          this.store?.record({ kind: 'released', allocation: e, revoked: false, jobStatus });
          ended++;
        }
      }
    }
    const events = ended + withdrawn > 0 ? this.drain(undefined) : undefined;
    return { ended, withdrawn, events: events ?? NO_EVENTS };
  }

  // ---- deadlines ---------------------------------------------------------------------

  /** The earliest pending deadline (clock ms), or Infinity. */
  nextDeadline(): number {
    return this.deadlines.next();
  }

  /**
   * Fires every deadline that is due at the clock's now (at equality too), in deadline
   * order, draining the queue after each so that events come out in the order they happen.
   */
  advance(): readonly OwedEvent[] {
    // Called before every message: when nothing is due, no array is made.
    if (this.deadlines.next() > this.clock()) return NO_EVENTS;
    const events: OwedEvent[] = [];
    const now = this.clock();
    for (let d = this.deadlines.popDue(now); d !== undefined; d = this.deadlines.popDue(now)) {
      if (!this.isCurrent(d)) continue;
      let e: OwedEvent;
      if (d.kind === 'timeout') {
        const w = d.request;
        this.withdraw(w, false);
        this.dropPreemption(w);
        const key = w.options?.requestId;
        if (key !== undefined) this.requestKeys.settle(RequestKeys.of(w.src, key), { kind: 'timed_out', request: w });
        e = { kind: 'timed_out', request: w };
      } else if (d.kind === 'lease') {
        this.end(d.allocation, 'expired');
        e = { kind: 'lease_expired', allocation: d.allocation };
      } else if (d.kind === 'hold') {
        this.endReservation(d.reservation, 'expired');
        e = { kind: 'reservation_expired', reservation: d.reservation as Reservation };
      } else {
        this.endGrace(d.pending, events);
        this.drain(events);
        continue;
      }
      this.store?.record(e);
      events.push(e);
      this.drain(events);
    }
    return events;
  }

  /** Entries in the deadline heap, stale ones included (bounded: see DeadlineHeap). */
  get pendingDeadlines(): number {
    return this.deadlines.size;
  }

  /** False once a deadline's request has left the queue or its lease was renewed or ended. */
  private isCurrent(d: Deadline): boolean {
    if (d.kind === 'timeout') return this.queue.has(d.request);
    if (d.kind === 'grace') return d.pending.active;
    if (d.kind === 'hold') return this.ledger.holds(d.reservation);
    const a = d.allocation;
    return this.ledger.holds(a) && a.leaseDeadline === d.at;
  }

  // ---- the drain -----------------------------------------------------------------------

  /** Grants waiting requests the policy picks, one by one, until it picks none (docs/protocol.md, "The queue"). */
  private drain(events: OwedEvent[] | undefined): OwedEvent[] | undefined {
    const queue = this.queue;
    if (queue.size === 0) return events;
    // A preemptor waiting for its victims goes first: the room they free is held for it.
    if (this.preemption?.waiting) events = this.grantPreemptors(this.preemption, events);
    for (;;) {
      // At the limit of live allocations, waiting requests wait on until one ends.
      if (this.ledger.allocationCount >= this.maxAllocations) return events;
      const front = this.policy.front();
      if (front === undefined) return events;
      const w = this.policy.next(front);
      if (w === undefined) return events;
      // A front held by its tenant's quota is not waiting for room: passing it counts for nothing.
      const passed = w === front || quotaHeld(front) ? undefined : front;
      // A preemptor granted on its own turn ends its preemption, or its grace would grant it again.
      if (this.preemption?.waiting) this.dropPreemption(w);
      this.withdraw(w, true);
      const a = this.grant(w, w.types, w.units, w.options, w);
      const e: OwedEvent = a.hold === undefined ? { kind: 'granted', allocation: a, request: w } : { kind: 'reserved', reservation: a as Reservation, request: w };
      this.policy.granted(w, passed);
      // Most drains grant one request or none: a one-element array is the smallest there is.
      if (events === undefined) events = [e];
      else events.push(e);
    }
  }

  /** A limit refusal when a grant now would pass the limit of live allocations. */
  private checkAllocationLimit(): void {
    const live = this.ledger.allocationCount;
    if (live >= this.maxAllocations) throw refuse.limit(`too many allocations: ${live} held, limit ${this.maxAllocations}`);
  }

  /** Grants an allocate: an allocation; or a reserve (`holdMs` set): a reservation (see `hold`). */
  private grant(who: Requester, types: readonly number[], units: readonly number[], options: RequestOptions | undefined, waited: QueuedRequest | undefined): HeldAllocation {
    if (options?.holdMs !== undefined) return this.hold(who, types, units, options.holdMs, options, waited);
    const serial = ++this.grants;
    const id = this.counted !== undefined ? this.counted.idOf(serial) : this.newId!();
    const a = this.newHolding(id, serial, who, types, units, options, waited, undefined);
    this.preemption?.granted(a);
    const leaseMs = options?.leaseMs;
    if (leaseMs !== undefined) this.startLease(a, leaseMs);
    // A request that waited names its request_id in its options; one granted at once, here.
    if (this.store !== undefined) this.store.record(waited === undefined && options?.requestId !== undefined ? { kind: 'granted', allocation: a, request: undefined, requestId: options.requestId } : { kind: 'granted', allocation: a, request: waited });
    return a;
  }

  /** Makes and files a new holding of `units`: in the ledger, its members, its tenant's holdings, the cancel index, its request_id. */
  private newHolding(id: string, serial: number, who: Requester, types: readonly number[], units: readonly number[], options: RequestOptions | undefined, waited: QueuedRequest | undefined, hold: Hold | undefined): HeldAllocation {
    const a = heldAllocation(id, serial, who, types, units, this.pools.declared ? this.pools.take(id, types, units) : undefined, options?.tenant ?? who.src, options?.priority ?? 0, hold);
    this.ledger.add(a);
    if (this.tenants.active) this.holdFor(a, waited, options?.tenant !== undefined);
    this.bySource.add(a);
    const key = options?.requestId;
    if (key !== undefined) this.requestKeys.settle(RequestKeys.of(who.src, key), { kind: 'granted', allocation: a });
    return a;
  }

  /** Counts a new allocation against its tenant (the one it waited as, if it waited). */
  private holdFor(a: HeldAllocation, waited: QueuedRequest | undefined, named: boolean): void {
    const t = (a.account = waited?.account ?? this.tenants.of(a.tenant));
    if (named) t.named = true;
    this.tenants.hold(t, a.types, a.units);
    this.policyContext.lanes?.shareChanged(t);
  }

  /** Ends live allocation `a`: its units and members go back. */
  private end(a: HeldAllocation, how: EndedAllocation['how']): void {
    this.ledger.end(a, how);
    this.giveBack(a);
    this.preemption?.ended(a);
  }

  /** What ended holding `a` held goes back: its members, its place in the cancel index, its tenant's share. */
  private giveBack(a: HeldAllocation): void {
    this.pools.giveBack(a);
    this.bySource.remove(a);
    const t = a.account;
    if (t !== undefined) {
      this.tenants.unhold(t, a.types, a.units);
      this.policyContext.lanes?.shareChanged(t);
    }
  }

  private startLease(a: HeldAllocation, ms: number): void {
    a.leaseMs = ms;
    a.leaseDeadline = this.clock() + ms;
    this.deadlines.push(a.leaseDeadline, { kind: 'lease', allocation: a, at: a.leaseDeadline });
  }

  /** Takes `w` out of the queue: to be granted, or gone (cancelled, timed out). */
  private withdraw(w: QueuedRequest, toGrant: boolean): void {
    this.queue.remove(w);
    this.bySource.remove(w);
    const t = w.account;
    if (t !== undefined) {
      this.policyContext.lanes?.remove(w);
      t.queued--;
      // One about to be granted still names its tenant.
      if (!toGrant) this.tenants.dropIfIdle(t);
    }
  }
}

/** A waiting request as the core keeps it, made from a recorded one: the same literal as `ask` makes, so every one has the same shape. */
function queuedRequest(r: WaitingRequest, reserved: boolean): QueuedRequest {
  return {
    src: r.src,
    msgId: r.msgId,
    via: r.via,
    seq: r.seq,
    types: r.types,
    units: r.units,
    options: r.options,
    deadline: r.deadline,
    queuedAt: r.queuedAt,
    bypassed: 0,
    reserved,
    slot: -1,
    group: undefined,
    filedBySource: false,
    tenant: r.tenant,
    account: undefined,
    lane: undefined,
  };
}

/** How a preempted allocation ended, for a refusal's text. */
function preemptedText(ended: EndedAllocation): string {
  return ended.by === undefined ? 'preempted' : `preempted by ${JSON.stringify(ended.by)}`;
}

export type { CoreEvent, OwedEvent };
