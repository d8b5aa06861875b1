import { Ledger } from '../ledger/ledger.js';
import type { PendingPreemption } from '../preemption/preemption.js';
import { Tenant, Tenants } from '../tenants/tenants.js';
import { ReplayLanes } from './replay-lanes.js';
import { Copies, ReplayQueue, type Copy } from './replay-queue.js';
import type { ContentionView, Holding } from './view.js';

/** A holding in a replay: its units go back when it ends. */
export interface ReplayHolding {
  readonly types: readonly number[];
  readonly units: readonly number[];
  readonly account: Tenant | undefined;
  /** It counts against the limit of live allocations. */
  readonly allocation: boolean;
  live: boolean;
  /** The preemptor it is a victim of, while it is one. */
  victimOf: ReplayPending | undefined;
}

/** A preemptor waiting out its victims' grace, in a replay (as PendingPreemption). */
export interface ReplayPending {
  readonly request: Copy;
  readonly victims: Set<ReplayHolding>;
  readonly withheld: number[];
  active: boolean;
}

/** Something due at `at`; equal times go by `order`, as the manager's deadlines do. */
export type ReplayEvent = { readonly at: number; readonly order: number } & (
  | { readonly kind: 'timeout'; readonly request: Copy }
  | { readonly kind: 'end'; readonly holding: ReplayHolding }
  | { readonly kind: 'grace'; readonly pending: ReplayPending }
);

/**
 * The state a replay starts from: capacity, holdings and tenants copied into the core's own
 * Ledger and Tenants (so the replay's arithmetic is theirs), the holdings that end and what is
 * due, and the manager's queue and lanes seen through overlays that leave out what the replay
 * took. What never changes in a replay (allocations without a lease that no preemptor waits
 * for) is only counted, not copied; waiting requests are copied only when a policy sees them.
 */
export class ReplayWorld {
  readonly ledger = new Ledger(0);
  readonly tenants = new Tenants(this.ledger, false);
  readonly copies: Copies;
  readonly queue: ReplayQueue;
  readonly lanes: ReplayLanes | undefined;
  /** Preemptors by request, in the order the manager keeps them. */
  readonly pending = new Map<Copy, ReplayPending>();
  readonly events: ReplayEvent[] = [];
  /** The push order of the manager's latest deadline: a replay's own come after it. */
  lastOrder = -1;
  private readonly accounts = new Map<Tenant, Tenant>();
  private readonly holdings = new Map<Holding, ReplayHolding>();

  constructor(v: ContentionView) {
    const real = v.ledger;
    for (let t = 0; t < real.types.size; t++) {
      this.ledger.setCapacity(real.types.name(t), real.capacityOf(t));
      this.ledger.withhold(t, real.allocatedOf(t));
    }
    this.copies = new Copies((t) => this.account(t));
    this.queue = new ReplayQueue(v.queue, this.copies);
    if (v.lanes === undefined) this.lanes = undefined;
    else {
      const lanes = v.lanes;
      const all = [...lanes.prioritiesFrom(Infinity)].flatMap((p) => lanes.lanesAt(p));
      this.lanes = new ReplayLanes(all, (t) => this.account(t)!, (t) => this.tenants.dominantShare(t) / t.weight, this.copies);
    }
    const graces = new Map<PendingPreemption, ReplayPending>();
    for (const p of v.preemption?.pending() ?? []) graces.set(p, this.copyPending(p));
    v.dues((at, order, due) => {
      if (order > this.lastOrder) this.lastOrder = order;
      if (due.kind === 'timeout') {
        this.events.push({ at, order, kind: 'timeout', request: this.copies.of(due.request) });
      } else if (due.kind === 'end') {
        this.events.push({ at, order, kind: 'end', holding: this.holding(due.holding, due.allocation) });
      } else {
        const pending = graces.get(due.pending);
        if (pending !== undefined) this.events.push({ at, order, kind: 'grace', pending });
      }
    });
  }

  /** The replay's copy of tenant `t` (what it holds, its weight and quota). */
  account(t: Tenant | undefined): Tenant | undefined {
    if (t === undefined) return undefined;
    let c = this.accounts.get(t);
    if (c === undefined) {
      c = new Tenant(t.name);
      c.weight = t.weight;
      c.quota = t.quota;
      c.holding = t.holding;
      for (let i = 0; i < t.held.length; i++) c.held[i] = t.held[i] ?? 0;
      this.accounts.set(t, c);
    }
    return c;
  }

  private copyPending(p: PendingPreemption): ReplayPending {
    const request = this.copies.of(p.request);
    const copy: ReplayPending = { request, victims: new Set(), withheld: p.withheld.slice(), active: true };
    for (const v of p.victims) {
      const h = this.holding(v, true);
      h.victimOf = copy;
      copy.victims.add(h);
    }
    this.pending.set(request, copy);
    return copy;
  }

  private holding(h: Holding, allocation: boolean): ReplayHolding {
    let c = this.holdings.get(h);
    if (c === undefined) {
      c = { types: h.types, units: h.units, account: this.account(h.account), allocation, live: true, victimOf: undefined };
      this.holdings.set(h, c);
    }
    return c;
  }
}
