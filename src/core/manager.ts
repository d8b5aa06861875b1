import { input, refuse, words } from './errors.js';
import { SCALE, capacityProblem, toUnits } from './ledger/amounts.js';
import { Categories, type CompleteResult, type Job, type SubmitResult, type Submitter } from './jobs/categories.js';
import { CountingIds } from '../lib/counting-ids.js';
import { DeadlineHeap } from './lifecycle/deadlines.js';
import { Ledger, type EndedAllocation } from './ledger/ledger.js';
import { Pools } from './ledger/pools.js';
import { RequestKeys, type KeyOutcome } from './lifecycle/request-keys.js';
import { Requirements, type Requirement } from './ledger/requirements.js';
import { LazySourceIndex } from './lifecycle/source-index.js';
import type { AllocateOptions, Allocation, Requester, WaitingRequest } from './model.js';
import { WaitQueue, ahead } from './queue/wait-queue.js';

export type { Requirement } from './ledger/requirements.js';

export type Policy = 'backfill' | 'fifo';

export interface ManagerOptions {
  /** Total capacity per resource type, in wire amounts. */
  readonly capacity: Iterable<readonly [string, number]>;
  /** Milliseconds now. The stdio node passes real time; tests pass a virtual clock. */
  readonly clock: () => number;
  /**
   * A fresh allocation id, for ids of the program's own making (the stdio node passes
   * UUID v7). Without it, ids are `idPrefix` followed by a count per manager: `a1`, `a2`, ...
   */
  readonly newId?: () => string;
  /** The text before the count in counted ids (when `newId` is not given). Default `a`. */
  readonly idPrefix?: string;
  readonly policy?: Policy;
  /** Starvation guard: later grants that may pass over the head before it reserves. */
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
}

/** Something the ledger did that a client must hear about, in the order it happened. */
export type LedgerEvent =
  | { readonly kind: 'granted'; readonly allocation: Allocation }
  | { readonly kind: 'timed_out'; readonly request: WaitingRequest }
  | { readonly kind: 'lease_expired'; readonly allocation: Allocation }
  | { readonly kind: 'job_started'; readonly job: Job };

const NO_EVENTS: readonly LedgerEvent[] = Object.freeze([]);
const NO_UNITS: readonly number[] = Object.freeze([]);

export const REASON_INSUFFICIENT = 'Insufficient resources';
export const REASON_BEHIND = 'Waiting behind earlier requests';

export type AllocateOutcome =
  | { readonly kind: 'granted'; readonly allocation: Allocation }
  | {
      readonly kind: 'queued';
      readonly request: WaitingRequest;
      readonly reason: typeof REASON_INSUFFICIENT | typeof REASON_BEHIND;
      /** Free units of each requested type, in request order (frozen: outcomes may share it). */
      readonly available: readonly number[];
      /** Units of the first requested type that does not fit. */
      readonly required: number;
    };

/**
 * Distinct job_status strings counted by name; releases with a status first seen after
 * that many are counted together under OTHER_JOB_STATUS, so memory stays bounded.
 */
export const JOB_STATUSES_COUNTED = 1000;
export const OTHER_JOB_STATUS = '(other)';

/** Most resource types: a capacity change naming new ones past this many is refused (limit). */
export const MAX_RESOURCE_TYPES = 1024;

type Deadline = { readonly kind: 'timeout'; readonly request: WaitingRequest } | { readonly kind: 'lease'; readonly allocation: Allocation; readonly at: number };

/**
 * The pure core: ledger, wait queue, categories and deadlines. No I/O, no real time, no
 * randomness: the clock and id source come in through the options. Every method returns
 * what happened; the node turns that into messages.
 */
export class ResourceManager {
  readonly ledger: Ledger;
  readonly categories: Categories;
  /** Named members of member types, and which allocation holds each. */
  readonly pools = new Pools();
  readonly policy: Policy;
  /** Clients who may release or renew allocations they do not hold. */
  readonly admins: ReadonlySet<string>;
  private readonly queue = new WaitQueue();
  private readonly deadlines = new DeadlineHeap<Deadline>((d) => this.isCurrent(d));
  private readonly clock: () => number;
  /** The source of ids when they are counted (no `newId` given), else the program's own. */
  private readonly counted: CountingIds | undefined;
  private readonly newId: (() => string) | undefined;
  /** Grants so far: the serial of the latest. */
  private grants = 0;
  private readonly maxBypass: number;
  private readonly maxQueue: number;
  private readonly maxAllocations: number;
  private seq = 0;
  /** Waiting requests and live allocations by client and msg_id, for cancel. */
  private readonly bySource = new LazySourceIndex((e) => ('id' in e ? this.ledger.holds(e) : this.queue.has(e)));
  /** Outcomes by client and request_id, for idempotent retries. */
  private readonly requestKeys: RequestKeys;
  private readonly jobStatuses = new Map<string, number>();
  /** What availableFor answered last, and a copy of its units. */
  private lastAvailable: readonly number[] = NO_UNITS;
  private readonly lastAvailableUnits: number[] = [];
  /** Checks requirements and resolves them to shared shapes. */
  private readonly requirements: Requirements;

  constructor(options: ManagerOptions) {
    this.clock = options.clock;
    this.newId = options.newId;
    this.counted = this.newId === undefined ? new CountingIds(options.idPrefix) : undefined;
    this.policy = options.policy ?? 'backfill';
    this.maxBypass = options.maxBypass ?? 100;
    this.maxQueue = options.maxQueue ?? 100_000;
    this.admins = new Set(options.admins);
    const remember = options.remember ?? 100_000;
    this.ledger = new Ledger(remember, this.counted);
    this.requestKeys = new RequestKeys(remember);
    this.categories = new Categories(this.maxQueue, options.maxJobs ?? 1_000_000);
    this.maxAllocations = options.maxAllocations ?? 1_000_000;
    for (const [name, amount] of options.capacity) this.ledger.setCapacity(name, toUnits(amount));
    for (const [name, members] of options.pools ?? []) this.pools.declare(this.ledger.setCapacity(name, members.length * SCALE), name, members);
    this.requirements = new Requirements(this.ledger.types, this.pools, this.ledger.shapes);
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.queue.size;
  }

  /** Every waiting request in queue order (O(n log n); for status and tests). */
  waitingRequests(): WaitingRequest[] {
    return this.queue.toArray();
  }

  /** Grants the requirements now if they fit (and policy allows), else queues them. */
  allocate(who: Requester, requirements: readonly Requirement[], options?: AllocateOptions): AllocateOutcome {
    const { types, units } = this.requirements.resolve(requirements);
    const key = options?.requestId === undefined ? undefined : RequestKeys.of(who.src, options.requestId);
    if (key !== undefined) {
      const seen = this.requestKeys.get(key);
      if (seen !== undefined) return this.replay(seen, types, units, options!.requestId!);
    }
    const seq = ++this.seq;
    // The common case builds no waiting request: with nothing waiting in front (a newcomer
    // is behind every equal priority), a request that fits is granted at once.
    const head = this.queue.head();
    const fits = this.ledger.fits(types, units);
    if (fits && (head === undefined || (options?.priority ?? 0) > (head.options?.priority ?? 0))) {
      this.checkAllocationLimit();
      return { kind: 'granted', allocation: this.grant(who, types, units, options) };
    }
    const w: WaitingRequest = {
      src: who.src,
      msgId: who.msgId,
      via: who.via,
      seq,
      types,
      units,
      options,
      deadline: -1,
      bypassed: 0,
      // --max-bypass 0: passed over by 0 grants already, so the head reserves from the start.
      reserved: this.maxBypass === 0,
      slot: -1,
      group: undefined,
      filedBySource: false,
    };
    // Nothing waits and it does not fit: it waits for what it needs (no need to ask admit).
    const outcome = head === undefined && !fits ? this.enqueue(w, REASON_INSUFFICIENT) : this.admit(w);
    if (key !== undefined && outcome.kind === 'queued') this.requestKeys.wait(key, outcome.request);
    return outcome;
  }

  private admit(w: WaitingRequest): AllocateOutcome {
    const head = this.queue.head();
    const ledger = this.ledger;
    if (head === undefined || ahead(w, head)) {
      if (ledger.fits(w.types, w.units)) {
        this.checkAllocationLimit();
        return { kind: 'granted', allocation: this.grant(w, w.types, w.units, w.options) };
      }
      return this.enqueue(w, REASON_INSUFFICIENT);
    }
    // Behind a waiting request: fifo never passes it; backfill does, unless it reserved.
    const fitsFree = ledger.fits(w.types, w.units);
    if (this.policy === 'backfill' && fitsFree) {
      const reserve = head.reserved ? this.reserveVector(head) : undefined;
      if (reserve === undefined || ledger.fits(w.types, w.units, reserve)) {
        this.checkAllocationLimit();
        const allocation = this.grant(w, w.types, w.units, w.options);
        this.passOver(head);
        return { kind: 'granted', allocation };
      }
      return this.enqueue(w, REASON_BEHIND, reserve);
    }
    return this.enqueue(w, fitsFree ? REASON_BEHIND : REASON_INSUFFICIENT);
  }

  private enqueue(w: WaitingRequest, reason: typeof REASON_INSUFFICIENT | typeof REASON_BEHIND, reserve?: readonly number[]): AllocateOutcome {
    if (this.queue.size >= this.maxQueue) {
      throw refuse.limit(`queue is full: ${this.queue.size} requests waiting, limit ${this.maxQueue}`);
    }
    const timeoutMs = w.options?.timeoutMs;
    if (timeoutMs !== undefined) {
      (w as { deadline: number }).deadline = this.clock() + timeoutMs;
      this.deadlines.push(w.deadline, { kind: 'timeout', request: w });
    }
    this.queue.add(w);
    this.bySource.add(w);
    return this.queued(w, reason, reserve);
  }

  /** The queued outcome of `w`: free units per requested type, and the first requested amount that does not fit. */
  private queued(w: WaitingRequest, reason: typeof REASON_INSUFFICIENT | typeof REASON_BEHIND, reserve: readonly number[] | undefined): AllocateOutcome {
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

  /**
   * Free units of each of `types`, in order: frozen, and the same array as last time when
   * nothing in it changed (a saturated pool queues request after request at 0 free). The
   * comparison reads a private copy: reading a frozen array is slower in V8.
   */
  private availableFor(types: readonly number[]): readonly number[] {
    const last = this.lastAvailableUnits;
    const n = types.length;
    let i = 0;
    if (last.length === n) while (i < n && last[i] === this.ledger.freeOf(types[i]!)) i++;
    if (i === n && n > 0) return this.lastAvailable;
    const available = new Array<number>(n);
    for (let j = 0; j < n; j++) available[j] = last[j] = this.ledger.freeOf(types[j]!);
    last.length = n;
    this.lastAvailable = Object.freeze(available);
    return this.lastAvailable;
  }

  /**
   * Releases a live allocation (or answers again for one already released). `target` is
   * its id, or the allocation itself as granted: a program holding the allocation saves a
   * lookup by id. Either way the answer is the same.
   *
   * `by`, when given, is the client asking: only the holder (the allocate's `src`) or an
   * admin may release, and a holder whose allocation an admin released is told so (22)
   * rather than answered as a retry. Without `by` nothing is checked (the program is
   * trusted).
   */
  release(target: string | Allocation, jobStatus?: string, by?: string): { allocation: Allocation | EndedAllocation; events: readonly LedgerEvent[] } {
    const a = this.live(target);
    if (a === undefined) return { allocation: this.releasedAgain(target, by), events: NO_EVENTS };
    this.ledger.end(a, by === undefined || by === a.src ? 'released' : this.revokedBy(a, by));
    this.pools.giveBack(a);
    this.bySource.remove(a);
    if (jobStatus !== undefined) this.countJobStatus(jobStatus);
    return { allocation: a, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** How `a` ends when `by`, who does not hold it, releases it: revoked, if `by` is an admin (else a conflict). */
  private revokedBy(a: Allocation, by: string): 'revoked' {
    this.checkAdmin(a.id, a.src, by, 'release', 'is');
    return 'revoked';
  }

  /** The answer to a release of an allocation that already ended: itself as remembered, or an error. */
  private releasedAgain(target: string | Allocation, by: string | undefined): EndedAllocation {
    const ended = this.ended(target);
    const id = JSON.stringify(ended.id);
    // A stranger learns nothing of how another client's allocation ended.
    if (by !== undefined && by !== ended.src) this.checkAdmin(ended.id, ended.src, by, 'release', 'was');
    else if (by !== undefined && ended.how === 'revoked') throw refuse.conflict(`allocation ${id} was released by an admin, not by its holder`);
    if (ended.how === 'expired') throw refuse.conflict(`allocation ${id} was reclaimed when its lease expired`);
    return ended;
  }

  /** A conflict unless `by`, who does not hold allocation `id`, is an admin. */
  private checkAdmin(id: string, holder: string, by: string, verb: 'release' | 'renew', tense: 'is' | 'was'): void {
    if (this.admins.has(by)) return;
    const who = this.admins.size > 0 ? 'its holder or an admin' : 'its holder';
    throw refuse.conflict(`allocation ${JSON.stringify(id)} ${tense} held by ${JSON.stringify(holder)}: only ${who} may ${verb} it`);
  }

  /** What is remembered of the ended allocation `target` names (not a live one); unknown when nothing is. */
  private ended(target: string | Allocation): EndedAllocation {
    const id = typeof target === 'string' ? target : target.id;
    const ended = this.ledger.endedAllocation(id);
    if (ended === undefined) throw refuse.unknown(`no allocation ${JSON.stringify(id)}`);
    return ended;
  }

  /** The live allocation `target` names, by id or as itself (one held by another manager goes by its id). */
  private live(target: string | Allocation): Allocation | undefined {
    if (typeof target === 'string') return this.ledger.get(target);
    return this.ledger.holds(target) ? target : this.ledger.get(target.id);
  }

  /** Withdraws a waiting allocate sent by `src` with `msgId`. */
  cancel(src: string, msgId: number): { request: WaitingRequest; events: readonly LedgerEvent[] } {
    const found = this.bySource.get(src, msgId);
    if (found === undefined) throw refuse.unknown(words`no waiting request with ${input('msgId')} ${msgId} from ${JSON.stringify(src)}`);
    if ('id' in found) throw refuse.conflict(`request ${msgId} was already granted as ${JSON.stringify(found.id)}: release it instead`);
    this.withdraw(found);
    const key = found.options?.requestId;
    if (key !== undefined) this.requestKeys.settle(RequestKeys.of(src, key), { cancelled: found });
    return { request: found, events: this.drain(undefined) ?? NO_EVENTS };
  }

  /** Extends (or starts) the lease of a live allocation, given by id or as itself; `by` as for `release`. */
  renew(target: string | Allocation, leaseMs?: number, by?: string): Allocation {
    const a = this.live(target);
    if (a === undefined) {
      const ended = this.ended(target);
      if (by !== undefined && by !== ended.src) this.checkAdmin(ended.id, ended.src, by, 'renew', 'was');
      const how = ended.how === 'expired' ? 'reclaimed when its lease expired' : ended.how === 'revoked' ? 'released by an admin' : 'released';
      throw refuse.conflict(`allocation ${JSON.stringify(ended.id)} was already ${how}`);
    }
    if (by !== undefined && by !== a.src) this.checkAdmin(a.id, a.src, by, 'renew', 'is');
    const ms = leaseMs ?? (a.leaseMs > 0 ? a.leaseMs : undefined);
    if (ms === undefined) throw refuse.conflict(words`allocation ${JSON.stringify(a.id)} has no lease: give ${input('leaseMs')} to start one`);
    this.startLease(a, ms);
    return a;
  }

  /** Sets capacities (new types allowed; shrinking below what is held preempts nothing). */
  setCapacity(resources: Iterable<readonly [string, number]>): readonly LedgerEvent[] {
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
    for (const [name, amount] of list) this.ledger.setCapacity(name, toUnits(amount));
    return this.drain(undefined) ?? NO_EVENTS;
  }

  /** Refuses (invalid) when `name` is a member type: a pool's capacity is its member count. */
  checkCapacitySettable(name: string): void {
    const t = this.ledger.types.indexOf(name);
    if (t >= 0) this.pools.checkCapacitySettable(t, name);
  }

  submitJobs(who: Submitter, category: string, limit: number | undefined, jobs: number): SubmitResult {
    return this.categories.submit(category, limit, jobs, who);
  }

  completeJob(category: string, jobId?: string): CompleteResult {
    return this.categories.complete(category, jobId);
  }

  /** The earliest pending deadline (clock ms), or Infinity. */
  nextDeadline(): number {
    return this.deadlines.next();
  }

  /**
   * Fires every deadline that is due at the clock's now, in deadline order, draining the
   * queue after each so that events come out in the order they happen.
   */
  advance(): readonly LedgerEvent[] {
    // Called before every message: when nothing is due, no array is made.
    if (this.deadlines.next() > this.clock()) return NO_EVENTS;
    const events: LedgerEvent[] = [];
    const now = this.clock();
    for (let d = this.deadlines.popDue(now); d !== undefined; d = this.deadlines.popDue(now)) {
      if (!this.isCurrent(d)) continue;
      if (d.kind === 'timeout') {
        const w = d.request;
        this.withdraw(w);
        const key = w.options?.requestId;
        if (key !== undefined) this.requestKeys.settle(RequestKeys.of(w.src, key), { timedOut: w });
        events.push({ kind: 'timed_out', request: w });
      } else {
        const a = d.allocation;
        this.ledger.end(a, 'expired');
        this.pools.giveBack(a);
        this.bySource.remove(a);
        events.push({ kind: 'lease_expired', allocation: a });
      }
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
    const a = d.allocation;
    return this.ledger.holds(a) && a.leaseDeadline === d.at;
  }

  /** Counts of released allocations by job_status (see JOB_STATUSES_COUNTED). */
  jobStatusCounts(): ReadonlyMap<string, number> {
    return this.jobStatuses;
  }

  private countJobStatus(status: string): void {
    const n = this.jobStatuses.get(status);
    if (n !== undefined) this.jobStatuses.set(status, n + 1);
    else if (this.jobStatuses.size < JOB_STATUSES_COUNTED) this.jobStatuses.set(status, 1);
    else this.jobStatuses.set(OTHER_JOB_STATUS, (this.jobStatuses.get(OTHER_JOB_STATUS) ?? 0) + 1);
  }

  // ---- the drain ----------------------------------------------------------------

  /**
   * Grants waiting requests that now fit (docs/protocol.md, "The queue"). Equivalent to
   * walking the queue in order and granting each request that fits, because free only
   * shrinks during a walk: the earliest fitting request is always the next one the walk
   * would grant. The index finds it without visiting requests that cannot fit.
   */
  private drain(events: LedgerEvent[] | undefined): LedgerEvent[] | undefined {
    const queue = this.queue;
    if (queue.size === 0) return events;
    const ledger = this.ledger;
    for (;;) {
      // At the limit of live allocations, waiting requests wait on until one ends.
      if (ledger.allocationCount >= this.maxAllocations) return events;
      const head = queue.head();
      if (head === undefined) return events;
      if (ledger.fits(head.types, head.units)) {
        events = this.grantWaiting(head, events);
        continue;
      }
      if (this.policy === 'fifo') return events;
      const avail = ledger.freeVector();
      if (head.reserved) {
        for (let i = 0; i < head.types.length; i++) avail[head.types[i]!]! -= head.units[i]!;
      }
      const next = queue.firstFitting(avail);
      if (next === undefined) return events;
      events = this.grantWaiting(next, events);
      this.passOver(head);
    }
  }

  /** Grants `w`, adding the event to `events` (made when this is the first). */
  private grantWaiting(w: WaitingRequest, events: LedgerEvent[] | undefined): LedgerEvent[] {
    this.withdraw(w);
    const e: LedgerEvent = { kind: 'granted', allocation: this.grant(w, w.types, w.units, w.options) };
    // Most drains grant one request or none: a one-element array is the smallest there is.
    if (events === undefined) return [e];
    events.push(e);
    return events;
  }

  /** A limit refusal when a grant now would pass the limit of live allocations. */
  private checkAllocationLimit(): void {
    const live = this.ledger.allocationCount;
    if (live >= this.maxAllocations) throw refuse.limit(`too many allocations: ${live} held, limit ${this.maxAllocations}`);
  }

  /** A later request was granted while `head` waited in front of it. */
  private passOver(head: WaitingRequest): void {
    head.bypassed++;
    if (head.bypassed >= this.maxBypass) head.reserved = true;
  }

  private reserveVector(head: WaitingRequest): number[] {
    const v: number[] = [];
    for (let i = 0; i < head.types.length; i++) v[head.types[i]!] = head.units[i]!;
    return v;
  }

  private grant(who: Requester, types: readonly number[], units: readonly number[], options: AllocateOptions | undefined): Allocation {
    const serial = ++this.grants;
    const id = this.counted !== undefined ? this.counted.idOf(serial) : this.newId!();
    const a: Allocation = {
      id,
      serial,
      src: who.src,
      msgId: who.msgId,
      via: who.via,
      types,
      units,
      members: this.pools.declared ? this.pools.take(id, types, units) : undefined,
      leaseMs: -1,
      leaseDeadline: -1,
      held: 0,
      filedById: false,
      filedBySource: false,
    };
    this.ledger.add(a);
    this.bySource.add(a);
    const key = options?.requestId;
    if (key !== undefined) this.requestKeys.settle(RequestKeys.of(who.src, key), a);
    const leaseMs = options?.leaseMs;
    if (leaseMs !== undefined) this.startLease(a, leaseMs);
    return a;
  }

  private startLease(a: Allocation, ms: number): void {
    a.leaseMs = ms;
    a.leaseDeadline = this.clock() + ms;
    this.deadlines.push(a.leaseDeadline, { kind: 'lease', allocation: a, at: a.leaseDeadline });
  }

  private withdraw(w: WaitingRequest): void {
    this.queue.remove(w);
    this.bySource.remove(w);
  }

  private replay(seen: KeyOutcome, types: readonly number[], units: readonly number[], requestId: string): AllocateOutcome {
    const original = 'timedOut' in seen ? seen.timedOut : 'cancelled' in seen ? seen.cancelled : seen;
    const same = original.types.length === types.length && original.types.every((t, i) => t === types[i] && original.units[i] === units[i]);
    if (!same) throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} was used before with other requirements`);
    if ('timedOut' in seen) throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} timed out while waiting`);
    if ('cancelled' in seen) throw refuse.conflict(words`${input('requestId')} ${JSON.stringify(requestId)} was cancelled`);
    if ('id' in seen) return { kind: 'granted', allocation: seen };
    const reason = this.ledger.fits(seen.types, seen.units) ? REASON_BEHIND : REASON_INSUFFICIENT;
    const head = this.queue.head();
    const reserve = head !== undefined && head !== seen && head.reserved ? this.reserveVector(head) : undefined;
    return this.queued(seen, reason, reserve);
  }
}

