import { fail } from '../protocol/errors.js';
import { ChunkedArray } from './chunked-array.js';
import { HeldAllocations } from './held-allocations.js';
import { RecentIds } from './recent-ids.js';
import { ResourceTypes } from './resource-types.js';
import type { Allocation } from './types.js';

/** An allocation that ended, as remembered so that a retried release or renew is answered. */
export interface EndedAllocation {
  readonly id: string;
  readonly types: readonly number[];
  readonly units: readonly number[];
  readonly how: 'released' | 'expired';
}

/**
 * Capacity and what is allocated, per resource type, in integer thousandths.
 * Invariant (SPEC section 6): allocated + free = capacity for every type, where free is
 * never reported below 0 even if capacity shrank under what is held.
 */
export class Ledger {
  readonly types = new ResourceTypes();
  private readonly capacity: number[] = [];
  private readonly allocated: number[] = [];
  private readonly live = new HeldAllocations();
  /**
   * Ended allocations by id; what each held is kept at its slot in the arrays below. The
   * arrays are usually interned (see Shapes), so an entry keeps no object alive but its
   * id: the allocation itself is left to the collector while it is still young.
   */
  private readonly ended: RecentIds;
  private readonly endedTypes = new ChunkedArray<readonly number[]>();
  private readonly endedUnits = new ChunkedArray<readonly number[]>();
  /** 1 where the allocation's lease expired, 0 where it was released. */
  private readonly endedExpired: Uint8Array;

  /** @param rememberEnded how many ended allocations are remembered for retried releases. */
  constructor(rememberEnded: number) {
    this.ended = new RecentIds(rememberEnded);
    this.endedExpired = new Uint8Array(Math.max(0, rememberEnded));
  }

  /** Sets the capacity of `name` (registering a new type), in thousandths. */
  setCapacity(name: string, units: number): number {
    const t = this.types.intern(name);
    this.capacity[t] = units;
    this.allocated[t] ??= 0;
    return t;
  }

  capacityOf(t: number): number {
    return this.capacity[t] ?? 0;
  }

  allocatedOf(t: number): number {
    return this.allocated[t] ?? 0;
  }

  freeOf(t: number): number {
    const f = this.capacity[t]! - this.allocated[t]!;
    return f > 0 ? f : 0;
  }

  /** Free units of every type, indexed by type: the working vector of a drain. */
  freeVector(): number[] {
    const v = new Array<number>(this.types.size);
    for (let t = 0; t < v.length; t++) v[t] = this.freeOf(t);
    return v;
  }

  /** True when every demand fits the free amounts, less `reserve` (units by type) if given. */
  fits(types: readonly number[], units: readonly number[], reserve?: readonly number[]): boolean {
    for (let i = 0; i < types.length; i++) {
      const t = types[i]!;
      if (units[i]! > this.freeOf(t) - (reserve?.[t] ?? 0)) return false;
    }
    return true;
  }

  get allocationCount(): number {
    return this.live.size;
  }

  /** The live allocation with this id. */
  get(id: string): Allocation | undefined {
    return this.live.get(id);
  }

  /** True while `a` is live in this ledger (no lookup: see HeldAllocations). */
  holds(a: Allocation): boolean {
    return this.live.holds(a);
  }

  endedAllocation(id: string): EndedAllocation | undefined {
    const slot = this.ended.slotOf(id);
    if (slot < 0) return undefined;
    return { id, types: this.endedTypes.get(slot)!, units: this.endedUnits.get(slot)!, how: this.endedExpired[slot] === 1 ? 'expired' : 'released' };
  }

  liveAllocations(): IterableIterator<Allocation> {
    return this.live.values();
  }

  /** Records a grant. The caller has checked that it fits. */
  add(a: Allocation): void {
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! += a.units[i]!;
    this.live.add(a);
  }

  /** Ends live allocation `a`, returning its units to free. */
  end(a: Allocation, how: EndedAllocation['how']): void {
    if (!this.live.holds(a)) throw fail.noKey(`no live allocation ${JSON.stringify(a.id)}`);
    this.live.delete(a);
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! -= a.units[i]!;
    // Bounded memory: the oldest ended allocation is forgotten first.
    const slot = this.ended.add(a.id);
    if (slot >= 0) {
      this.endedTypes.set(slot, a.types);
      this.endedUnits.set(slot, a.units);
      this.endedExpired[slot] = how === 'expired' ? 1 : 0;
    }
  }
}
