import type { Ledger } from '../ledger/ledger.js';
import type { HeldAllocation, QueuedRequest } from '../model.js';
import { Candidates } from './candidates.js';
import { chooseVictims, unitsOf } from './victims.js';

/** `--preemption`: whether a request may end allocations of lower priority to make room. */
export type PreemptionMode = 'off' | 'lower-priority';

export const PREEMPTION_MODES: readonly PreemptionMode[] = ['off', 'lower-priority'];

/** A preemptor waiting out its victims' grace. */
export interface PendingPreemption {
  readonly request: QueuedRequest;
  /** Its victims still live. */
  readonly victims: Set<HeldAllocation>;
  /** Units held back for it so far, parallel to its request's types. */
  readonly withheld: number[];
  /** False once it was granted or dropped (its grace deadline is then stale). */
  active: boolean;
}

/**
 * Preemption of lower priorities (docs/policies.md#preemption): which live allocations a
 * request may end, and the preemptors waiting out their victims' grace, with the room held
 * back for each in the ledger. Made only when preemption is on, so the default pays nothing.
 */
export class Preemption {
  private readonly candidates: Candidates;
  private readonly byRequest = new Map<QueuedRequest, PendingPreemption>();
  private readonly byVictim = new Map<HeldAllocation, PendingPreemption>();

  constructor(
    private readonly ledger: Ledger,
    /** How long a victim has to release before it is preempted; 0: at once. */
    readonly graceMs: number,
  ) {
    this.candidates = new Candidates(
      (a) => ledger.holds(a),
      (a) => this.byVictim.has(a),
    );
  }

  /** True while some preemptor waits for its victims. */
  get waiting(): boolean {
    return this.byRequest.size > 0;
  }

  /** The pending preemption of waiting request `w`, if it is a preemptor. */
  pendingOf(w: QueuedRequest): PendingPreemption | undefined {
    return this.byRequest.size > 0 ? this.byRequest.get(w) : undefined;
  }

  /** Every pending preemption, oldest first. */
  pending(): IterableIterator<PendingPreemption> {
    return this.byRequest.values();
  }

  /** A new live allocation: a candidate for preemptors of higher priority. */
  granted(a: HeldAllocation): void {
    this.candidates.add(a);
  }

  /** Live `a` ended (the ledger has taken it back): a noticed victim's units go to its preemptor, up to what it needs. */
  ended(a: HeldAllocation): void {
    const p = this.byVictim.size > 0 ? this.byVictim.get(a) : undefined;
    this.candidates.ended(a, p === undefined);
    if (p === undefined) return;
    this.byVictim.delete(a);
    p.victims.delete(a);
    const w = p.request;
    const give = unitsOf(a, w.types);
    for (let i = 0; i < w.types.length; i++) {
      const units = Math.min(give[i]!, w.units[i]! - p.withheld[i]!);
      if (units <= 0) continue;
      p.withheld[i]! += units;
      this.ledger.withhold(w.types[i]!, units);
    }
  }

  /**
   * The victims whose end would let `w` fit, less `reserve` (units by type held back for the
   * front of the queue), or undefined when even every candidate would not make room.
   */
  choose(w: QueuedRequest, reserve: readonly number[] | undefined): HeldAllocation[] | undefined {
    const priority = w.options?.priority ?? 0;
    const short = w.types.map((t, i) => w.units[i]! - this.room(t, reserve));
    if (!this.candidates.couldCover(priority, w.types, short)) return undefined;
    const victims = chooseVictims(w.types, short, this.candidates.below(priority));
    return victims?.length === 0 ? undefined : victims;
  }

  /** Waiting `w` preempts `victims` after a grace: what it needs of the room free now (less `reserve`) is held back for it at once. */
  notice(w: QueuedRequest, victims: readonly HeldAllocation[], reserve: readonly number[] | undefined): PendingPreemption {
    const withheld = w.types.map((t, i) => Math.max(0, Math.min(w.units[i]!, this.room(t, reserve))));
    withheld.forEach((units, i) => this.ledger.withhold(w.types[i]!, units));
    const p: PendingPreemption = { request: w, victims: new Set(victims), withheld, active: true };
    for (const v of victims) {
      this.byVictim.set(v, p);
      this.candidates.setAside(v);
    }
    this.byRequest.set(w, p);
    return p;
  }

  /** True when `p`'s request fits in what is held back for it plus `extra(t)` of type `t`. */
  fits(p: PendingPreemption, extra: (t: number) => number): boolean {
    const w = p.request;
    return w.types.every((t, i) => w.units[i]! <= p.withheld[i]! + Math.max(0, extra(t)));
  }

  /** Ends `p` (granted or dropped): the room held back returns to free, and its victims still live are spared. */
  settle(p: PendingPreemption): void {
    p.active = false;
    const w = p.request;
    p.withheld.forEach((units, i) => this.ledger.withhold(w.types[i]!, -units));
    for (const v of p.victims) {
      this.byVictim.delete(v);
      this.candidates.restore(v);
    }
    this.byRequest.delete(w);
  }

  /** Capacity less allocated (room held back included) less `reserve`, for type `t`; below 0 when over-allocated. */
  private room(t: number, reserve: readonly number[] | undefined): number {
    return this.ledger.capacityOf(t) - this.ledger.allocatedOf(t) - (reserve?.[t] ?? 0);
  }
}
