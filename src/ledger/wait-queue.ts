import { MinTree } from './min-tree.js';
import type { WaitingRequest } from './types.js';

/**
 * Waiting requests that share a priority and an ordered list of resource types. Within a
 * group, slots are in arrival order, so "earliest in the group" is "leftmost slot".
 */
class Group {
  readonly slots: (WaitingRequest | undefined)[] = [];
  readonly tree: MinTree;
  /** First slot that may still be live. */
  head = 0;
  live = 0;

  /** Set once any request of the group demands 0 units of a type: then no type prunes it. */
  demandsZero = false;
  /** Empty and kept for reuse (see WaitQueue.remove). */
  idle = false;

  constructor(
    readonly key: string,
    readonly priority: number,
    /** The group's resource type indices, in request order (shared by its requests). */
    readonly types: readonly number[],
    /** Bit t set for each type index t the group needs; -1 when an index is too large for a bit. */
    readonly mask: number,
  ) {
    this.tree = new MinTree(types.length);
  }

  first(): WaitingRequest | undefined {
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head] === undefined) this.head++;
    return slots[this.head];
  }

  append(w: WaitingRequest): void {
    if (this.slots.length === this.tree.capacity) this.makeRoom();
    w.slot = this.slots.length;
    w.group = this;
    this.slots.push(w);
    this.tree.set(w.slot, w.units);
    this.live++;
    if (!this.demandsZero && w.units.includes(0)) this.demandsZero = true;
  }

  remove(w: WaitingRequest): void {
    this.slots[w.slot] = undefined;
    this.tree.set(w.slot, null);
    this.live--;
    w.group = undefined;
    if (this.live === 0) {
      // Every leaf is empty again: start over at slot 0, in a small tree.
      this.slots.length = 0;
      this.head = 0;
      if (this.tree.capacity > SMALL_TREE) this.tree.rebuild(SMALL_TREE, 0, () => []);
    }
  }

  // Slots only ever grow at the end; when the tree is full, either squeeze out the holes
  // (if at most half are live) or double it. Both are O(size), so appends stay amortised O(log n).
  private makeRoom(): void {
    const liveOnes = this.slots.filter((w): w is WaitingRequest => w !== undefined);
    let size = this.tree.capacity;
    if (liveOnes.length * 2 > size) size *= 2;
    this.slots.length = 0;
    for (const w of liveOnes) {
      w.slot = this.slots.length;
      this.slots.push(w);
    }
    this.head = 0;
    this.tree.rebuild(size, liveOnes.length, (s) => liveOnes[s]!.units);
  }
}

/** True when `a` stands in front of `b` in queue order: higher priority, then earlier arrival. */
export function ahead(a: WaitingRequest, b: WaitingRequest): boolean {
  const pa = a.options?.priority ?? 0;
  const pb = b.options?.priority ?? 0;
  return pa !== pb ? pa > pb : a.seq < b.seq;
}

/** Type indices below this get a bit in a group's mask; larger ones are never pruned by type. */
const MASK_BITS = 30;
/** Empty groups kept for reuse, so a shape that keeps coming back does not rebuild its group. */
const IDLE_GROUPS = 64;
/** Leaves of the tree an emptied group keeps. */
const SMALL_TREE = 16;

/**
 * The wait queue, indexed for the drain: requests are grouped by (priority, ordered
 * types) and each group keeps a MinTree, so finding the earliest request that fits the
 * free vector costs O(groups x log n) instead of a walk over every waiting request.
 * Groups are also filed by the set of types they need: a group needing a type with
 * nothing free cannot fit, so a drain only visits groups whose types all have room.
 */
export class WaitQueue {
  private readonly groups = new Map<string, Group>();
  /** Groups by type mask; plus the groups no type may prune (mask -1 or a zero demand). */
  private readonly byMask = new Map<number, Group[]>();
  private readonly unpruned = new Set<Group>();
  /** Groups that became empty, oldest first (an entry is stale if its group was used again). */
  private readonly idle: Group[] = [];
  private count = 0;
  /** Per dimension count, a reused vector of the free units of a group's types. */
  private readonly scratch: Float64Array[] = [];
  /** The front of the queue, or undefined when it must be found again. */
  private front: WaitingRequest | undefined;

  get size(): number {
    return this.count;
  }

  add(w: WaitingRequest): void {
    const priority = w.options?.priority ?? 0;
    const key = `${priority}|${w.types.join(',')}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = new Group(key, priority, w.types, maskOf(w.types));
      this.groups.set(key, g);
      if (g.mask < 0) this.unpruned.add(g);
      else {
        const list = this.byMask.get(g.mask);
        if (list === undefined) this.byMask.set(g.mask, [g]);
        else list.push(g);
      }
    }
    g.idle = false;
    // Every request of a group has the same type list: keep one copy of it.
    (w as { types: readonly number[] }).types = g.types;
    g.append(w);
    if (g.demandsZero) this.unpruned.add(g);
    // The cached front stays right: only a newcomer can step in front of it.
    if (this.front !== undefined && ahead(w, this.front)) this.front = w;
    else if (this.count === 0) this.front = w;
    this.count++;
  }

  remove(w: WaitingRequest): void {
    const g = w.group as Group | undefined;
    if (g === undefined) return;
    g.remove(w);
    this.count--;
    if (w === this.front) this.front = undefined;
    if (g.live === 0 && !g.idle) {
      g.idle = true;
      this.idle.push(g);
      while (this.idle.length > IDLE_GROUPS) {
        const old = this.idle.shift()!;
        if (old.idle) this.drop(old);
      }
    }
  }

  private drop(g: Group): void {
    g.idle = false;
    this.groups.delete(g.key);
    this.unpruned.delete(g);
    const list = this.byMask.get(g.mask);
    if (list !== undefined) {
      list.splice(list.indexOf(g), 1);
      if (list.length === 0) this.byMask.delete(g.mask);
    }
  }

  has(w: WaitingRequest): boolean {
    return w.group !== undefined;
  }

  /** The request at the front of the queue (highest priority, then earliest). */
  head(): WaitingRequest | undefined {
    if (this.count === 0) return undefined;
    if (this.front !== undefined) return this.front;
    let best: WaitingRequest | undefined;
    for (const g of this.groups.values()) {
      const w = g.first();
      if (w !== undefined && (best === undefined || ahead(w, best))) best = w;
    }
    this.front = best;
    return best;
  }

  /**
   * The earliest request in queue order whose every demand fits `avail` (units indexed
   * by resource type; a missing entry counts as 0).
   */
  firstFitting(avail: readonly number[]): WaitingRequest | undefined {
    if (this.count === 0) return undefined;
    // The types with room, as a mask; its subsets name every group that might fit.
    let room = 0;
    let roomTypes = 0;
    for (let t = 0; t < avail.length && t < MASK_BITS; t++) {
      if (avail[t]! > 0) {
        room |= 1 << t;
        roomTypes++;
      }
    }
    let best: WaitingRequest | undefined;
    if (roomTypes < MASK_BITS && 1 << roomTypes <= this.groups.size) {
      for (let sub = room; sub > 0; sub = (sub - 1) & room) {
        const list = this.byMask.get(sub);
        if (list !== undefined) for (let i = 0; i < list.length; i++) best = this.bestIn(list[i]!, avail, best);
      }
      for (const g of this.unpruned) best = this.bestIn(g, avail, best);
    } else {
      for (const g of this.groups.values()) best = this.bestIn(g, avail, best);
    }
    return best;
  }

  /** `best`, or the earliest fitting request of `g` when that one stands in front of it. */
  private bestIn(g: Group, avail: readonly number[], best: WaitingRequest | undefined): WaitingRequest | undefined {
    if (best !== undefined && g.priority < (best.options?.priority ?? 0)) return best;
    const sample = g.first();
    if (sample === undefined) return best;
    const types = sample.types;
    const dimAvail = (this.scratch[types.length] ??= new Float64Array(types.length));
    for (let j = 0; j < types.length; j++) dimAvail[j] = avail[types[j]!] ?? 0;
    const slot = g.tree.findFirst(dimAvail);
    const w = slot >= 0 ? g.slots[slot] : undefined;
    return w !== undefined && (best === undefined || ahead(w, best)) ? w : best;
  }

  /** Every waiting request in queue order. O(n log n): for status, tests and tools. */
  toArray(): WaitingRequest[] {
    const all: WaitingRequest[] = [];
    for (const g of this.groups.values()) for (const w of g.slots) if (w !== undefined) all.push(w);
    return all.sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
  }
}

/** Bit t for each type index t, or -1 when an index has no bit. */
function maskOf(types: readonly number[]): number {
  let mask = 0;
  for (const t of types) {
    if (t >= MASK_BITS) return -1;
    mask |= 1 << t;
  }
  return mask;
}
