import { BinaryHeap } from '../../lib/binary-heap.js';
import type { QueuedRequest } from '../model.js';
import { StarvationGuard, createPolicy, quotaHeld, type Policy } from '../policy/index.js';
import { unitsOf } from '../preemption/victims.js';
import type { Copy } from './replay-queue.js';
import { ReplayWorld, type ReplayEvent, type ReplayHolding, type ReplayPending } from './replay-world.js';
import type { ContentionView } from './view.js';

/** How a replay ended: at the target's grant, with nothing left to happen, or out of budget at `reached`. */
export type ReplayOutcome =
  | { readonly kind: 'granted'; readonly at: number }
  | { readonly kind: 'never' }
  | { readonly kind: 'stopped'; readonly reached: number };

/**
 * Replays the future of the manager's state, assuming every deadline is met on time, nobody
 * releases, renews or cancels, and nothing arrives, until `target` is granted. The drain below
 * mirrors the manager's (ResourceManager#drain and its preemption steps) line for line and runs
 * the manager's own policy classes over a copy, so the replay grants what the manager would,
 * in the same order and at the same times; the property tests check that it does. The target's
 * own timeout is left out: the estimate says when it would be granted if it kept waiting.
 * See docs/contention.md#what-the-estimate-promises.
 */
export function replay(v: ContentionView, target: QueuedRequest, budget: number): ReplayOutcome {
  return new Replay(v, target, budget).run();
}

class Replay {
  private readonly world: ReplayWorld;
  private readonly policy: Policy;
  private readonly events: BinaryHeap<ReplayEvent>;
  private readonly target: Copy;
  private now: number;
  private order: number;
  private allocations: number;
  private grantedAt = -1;

  constructor(
    private readonly v: ContentionView,
    target: QueuedRequest,
    private readonly budget: number,
  ) {
    const world = (this.world = new ReplayWorld(v));
    this.target = world.copies.of(target);
    this.policy = createPolicy(v.policyName, { queue: world.queue, ledger: world.ledger, lanes: world.lanes }, new StarvationGuard(v.maxBypass));
    this.events = new BinaryHeap<ReplayEvent>((a, b) => (a.at !== b.at ? a.at < b.at : a.order < b.order));
    for (const e of world.events) if (!(e.kind === 'timeout' && e.request === this.target)) this.events.push(e);
    this.now = v.now;
    this.order = world.lastOrder;
    this.allocations = v.ledger.allocationCount;
  }

  private get spent(): boolean {
    return this.world.copies.work.count > this.budget;
  }

  run(): ReplayOutcome {
    const events = this.events;
    for (let e = events.pop(); e !== undefined; e = events.pop()) {
      if (!this.isCurrent(e)) continue;
      // Every earlier event is replayed and the target was not granted: it cannot be before this one.
      if (this.spent) return { kind: 'stopped', reached: Math.max(this.now, e.at) };
      this.world.copies.work.count++;
      // Deadlines already due fire now, as the manager's advance() fires them.
      if (e.at > this.now) this.now = e.at;
      this.fire(e);
      if (this.grantedAt >= 0) return { kind: 'granted', at: this.grantedAt };
      if (this.spent) return { kind: 'stopped', reached: this.now };
    }
    return { kind: 'never' };
  }

  private isCurrent(e: ReplayEvent): boolean {
    if (e.kind === 'timeout') return this.world.queue.has(e.request);
    if (e.kind === 'end') return e.holding.live;
    return e.pending.active;
  }

  /** As ResourceManager#advance does for one deadline. */
  private fire(e: ReplayEvent): void {
    if (e.kind === 'timeout') {
      this.withdraw(e.request);
      const p = this.world.pending.get(e.request);
      if (p !== undefined) this.settle(p);
    } else if (e.kind === 'end') {
      this.end(e.holding);
    } else {
      this.endGrace(e.pending);
    }
    this.drain();
  }

  // ---- the drain, as ResourceManager#drain ----------------------------------------------

  private drain(): void {
    const { queue } = this.world;
    if (queue.size === 0) return;
    if (this.world.pending.size > 0) this.grantPreemptors();
    for (;;) {
      if (this.allocations >= this.v.maxAllocations || this.spent) return;
      const front = this.policy.front() as Copy | undefined;
      if (front === undefined) return;
      const w = this.policy.next(front) as Copy | undefined;
      if (w === undefined) return;
      const passed = w === front || quotaHeld(front) ? undefined : front;
      const p = this.world.pending.get(w);
      if (p !== undefined) this.settle(p);
      this.withdraw(w);
      this.grant(w);
      this.policy.granted(w, passed);
    }
  }

  private withdraw(w: Copy): void {
    this.world.queue.remove(w);
    this.world.lanes?.remove(w);
  }

  private grant(w: Copy): void {
    this.allocations++;
    const ledger = this.world.ledger;
    for (let i = 0; i < w.types.length; i++) ledger.withhold(w.types[i]!, w.units[i]!);
    const t = w.account;
    if (t !== undefined) {
      this.world.tenants.hold(t, w.types, w.units);
      this.world.lanes?.shareChanged(t);
    }
    if (w === this.target) this.grantedAt = this.now;
    const ms = this.v.holdAfterGrant(w.original);
    if (ms === undefined) return;
    const holding: ReplayHolding = { types: w.types, units: w.units, account: t, allocation: true, live: true, victimOf: undefined };
    this.events.push({ at: this.now + ms, order: ++this.order, kind: 'end', holding });
  }

  /** As ResourceManager#end: the units go back, and a victim's go to its preemptor (Preemption#ended). */
  private end(h: ReplayHolding): void {
    h.live = false;
    if (h.allocation) this.allocations--;
    const ledger = this.world.ledger;
    for (let i = 0; i < h.types.length; i++) ledger.withhold(h.types[i]!, -h.units[i]!);
    const t = h.account;
    if (t !== undefined) {
      this.world.tenants.unhold(t, h.types, h.units);
      this.world.lanes?.shareChanged(t);
    }
    const p = h.victimOf;
    if (p === undefined) return;
    h.victimOf = undefined;
    p.victims.delete(h);
    const w = p.request;
    const give = unitsOf(h, w.types);
    for (let i = 0; i < w.types.length; i++) {
      const units = Math.min(give[i]!, w.units[i]! - p.withheld[i]!);
      if (units <= 0) continue;
      p.withheld[i]! += units;
      ledger.withhold(w.types[i]!, units);
    }
  }

  // ---- preemptors, as ResourceManager#grantPreemptors, #endGrace and Preemption#settle ---

  private grantPreemptors(): void {
    for (const p of [...this.world.pending.values()]) {
      if (this.allocations >= this.v.maxAllocations) break;
      const extra = this.freeFor(p.request);
      const w = p.request;
      if (!w.types.every((t, i) => w.units[i]! <= p.withheld[i]! + Math.max(0, extra(t)))) continue;
      this.grantPreemptor(p);
    }
  }

  private freeFor(w: Copy): (t: number) => number {
    const ledger = this.world.ledger;
    const front = this.policy.front()!;
    if (front === w) return (t) => ledger.freeOf(t);
    if (this.v.policyName === 'fifo') return () => 0;
    const reserve = this.policy.reserveOf(front);
    return (t) => ledger.freeOf(t) - (reserve?.[t] ?? 0);
  }

  private grantPreemptor(p: ReplayPending): void {
    const w = p.request;
    const front = this.policy.front();
    const passed = w === front || front === undefined || quotaHeld(front) ? undefined : front;
    this.settle(p);
    this.withdraw(w);
    this.grant(w);
    this.policy.granted(w, passed);
  }

  private endGrace(p: ReplayPending): void {
    if (p.victims.size === 0) return;
    for (const h of [...p.victims]) this.end(h);
    this.grantPreemptor(p);
  }

  private settle(p: ReplayPending): void {
    p.active = false;
    const w = p.request;
    p.withheld.forEach((units, i) => this.world.ledger.withhold(w.types[i]!, -units));
    for (const h of p.victims) h.victimOf = undefined;
    this.world.pending.delete(w);
  }
}
