import { refuse } from '../errors.js';
import { HeldAllocations } from './held-allocations.js';
import type { SequentialIds } from '../../lib/sequential-ids.js';
import { RecentNumbers } from '../../lib/recent-numbers.js';
import { RecentStrings } from '../../lib/recent-strings.js';
import { ResourceTypes } from './resource-types.js';
import { Shapes, type Shape } from './shapes.js';
import type { HeldAllocation } from '../model.js';

/** Distinct requirement shapes interned (about 200 bytes each); see Shapes. Below 2^14, so `endedHow` fits 16 bits. */
const SHAPES_INTERNED = 4096;

/** An allocation that ended, as remembered so that a retried release or renew is answered. */
export interface EndedAllocation {
  readonly id: string;
  /** Its holder: the client whose allocate it answered. */
  readonly src: string;
  readonly types: readonly number[];
  readonly units: readonly number[];
  /** `revoked`: released by someone other than its holder (an admin); `preempted`: ended for a request of higher priority. */
  readonly how: 'released' | 'expired' | 'revoked' | 'preempted';
  /** For a preempted one, the allocation it made room for, when remembered. */
  readonly by?: string;
}

/** How an allocation ended, as the low two bits of its `endedHow` entry. */
const HOW: readonly EndedAllocation['how'][] = ['released', 'expired', 'revoked', 'preempted'];

/**
 * Capacity and what is allocated, per resource type, in integer thousandths. Invariant:
 * allocated + free = capacity for every type; free is never reported below 0.
 */
export class Ledger {
  readonly types = new ResourceTypes();
  private readonly capacity: number[] = [];
  private readonly allocated: number[] = [];
  private readonly live = new HeldAllocations();
  /** The shapes of requests and allocations (see Shapes). */
  readonly shapes = new Shapes(SHAPES_INTERNED);
  /**
   * Ended allocations by id; at each slot, `endedHow` is (shape number + 1) * 4 + index in HOW (0: in
   * `endedOwnShapes`). See docs/design/memory-and-gc.md#remembering-ended-allocations.
   */
  private readonly ended: RecentStrings | RecentNumbers;
  private readonly endedHow: Uint16Array;
  private readonly endedHolders: string[];
  private readonly endedOwnShapes = new Map<number, Shape>();
  /** The allocation each preempted one made room for, by slot: only preemptions fill it. */
  private readonly endedBy = new Map<number, string>();

  /**
   * @param rememberEnded how many ended allocations are remembered for retried releases.
   * @param counted the source of every id when ids are counted (prefix and serial): they are then kept as numbers.
   */
  constructor(rememberEnded: number, counted?: SequentialIds) {
    this.ended = counted === undefined ? new RecentStrings(rememberEnded) : new RecentNumbers(rememberEnded, counted);
    this.endedHow = new Uint16Array(Math.max(0, rememberEnded));
    this.endedHolders = new Array<string>(Math.max(0, rememberEnded)).fill('');
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
  get(id: string): HeldAllocation | undefined {
    return this.live.get(id);
  }

  /** True while `a` is live in this ledger (no lookup: see HeldAllocations). */
  holds(a: HeldAllocation): boolean {
    return this.live.holds(a);
  }

  endedAllocation(id: string): EndedAllocation | undefined {
    const slot = this.ended.slotOf(id);
    if (slot < 0) return undefined;
    const how = this.endedHow[slot]!;
    const shape = how >= 4 ? this.shapes.at((how >> 2) - 1) : this.endedOwnShapes.get(slot)!;
    const ended = { id, src: this.endedHolders[slot]!, types: shape.types, units: shape.units, how: HOW[how & 3]! };
    const by = this.endedBy.size > 0 ? this.endedBy.get(slot) : undefined;
    return by === undefined ? ended : { ...ended, by };
  }

  /** Remembers, for ended allocation `id` if it is remembered, the allocation `by` it was preempted for. */
  notePreemptedBy(id: string, by: string): void {
    const slot = this.ended.slotOf(id);
    if (slot >= 0) this.endedBy.set(slot, by);
  }

  liveAllocations(): IterableIterator<HeldAllocation> {
    return this.live.values();
  }

  /** Records a grant. The caller has checked that it fits. */
  add(a: HeldAllocation): void {
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! += a.units[i]!;
    this.live.add(a);
  }

  /**
   * Counts `units` of type `t` as allocated, held by no allocation: room held back for a
   * preemptor while its victims end (negative `units` give it back). See docs/policies.md#preemption.
   */
  withhold(t: number, units: number): void {
    this.allocated[t]! += units;
  }

  /** Ends live allocation `a`, returning its units to free. */
  end(a: HeldAllocation, how: EndedAllocation['how']): void {
    this.drop(a);
    // Bounded memory: the oldest ended allocation is forgotten first.
    const slot = this.ended.add(a);
    if (slot < 0) return;
    const shape = this.shapes.numberOf(a.types, a.units);
    this.endedHow[slot] = (shape + 1) * 4 + (how === 'released' ? 0 : how === 'expired' ? 1 : how === 'revoked' ? 2 : 3);
    this.endedHolders[slot] = a.src;
    if (this.endedOwnShapes.size > 0) this.endedOwnShapes.delete(slot);
    if (this.endedBy.size > 0) this.endedBy.delete(slot);
    if (shape < 0) this.endedOwnShapes.set(slot, { types: a.types, units: a.units });
  }

  /** Ends live `a`, returning its units to free, and remembers nothing of it: a reservation's ids are not allocation ids. */
  drop(a: HeldAllocation): void {
    if (!this.live.holds(a)) throw refuse.unknown(`no live allocation ${JSON.stringify(a.id)}`);
    this.live.delete(a);
    for (let i = 0; i < a.types.length; i++) this.allocated[a.types[i]!]! -= a.units[i]!;
  }
}
