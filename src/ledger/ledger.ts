import { fail } from '../protocol/errors.js';
import { RecentLog } from './recent-log.js';
import { ResourceTypes } from './resource-types.js';
import type { Allocation } from './types.js';

/** How an allocation ended, remembered so that a retried release or renew is answered. */
export interface EndedAllocation {
  readonly allocation: Allocation;
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
  private readonly live = new Map<string, Allocation>();
  /** A released allocation is kept as it is; an expired one inside its EndedAllocation. */
  private readonly ended: RecentLog<string, Allocation | EndedAllocation>;

  /** @param rememberEnded how many ended allocations are remembered for retried releases. */
  constructor(rememberEnded: number) {
    this.ended = new RecentLog(rememberEnded);
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

  get(id: string): Allocation | undefined {
    return this.live.get(id);
  }

  endedAllocation(id: string): EndedAllocation | undefined {
    const e = this.ended.get(id);
    if (e === undefined || 'how' in e) return e;
    return { allocation: e, how: 'released' };
  }

  liveAllocations(): IterableIterator<Allocation> {
    return this.live.values();
  }

  /** Records a grant. The caller has checked that it fits. */
  add(a: Allocation): void {
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! += a.units[i]!;
    this.live.set(a.id, a);
  }

  /** Ends a live allocation, returning its units to free. */
  end(id: string, how: EndedAllocation['how']): Allocation {
    const a = this.live.get(id);
    if (a === undefined) throw fail.noKey(`no live allocation ${JSON.stringify(id)}`);
    this.live.delete(id);
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! -= a.units[i]!;
    // Bounded memory: the oldest ended allocation is forgotten first. Releases are most
    // ends, so they keep no wrapper object alive for the collector.
    this.ended.set(id, how === 'released' ? a : { allocation: a, how });
    return a;
  }
}
