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

  constructor(
    readonly key: string,
    readonly priority: number,
    dims: number,
  ) {
    this.tree = new MinTree(dims);
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
  }

  remove(w: WaitingRequest): void {
    this.slots[w.slot] = undefined;
    this.tree.set(w.slot, null);
    this.live--;
    w.group = undefined;
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

/**
 * The wait queue, indexed for the drain: requests are grouped by (priority, ordered
 * types) and each group keeps a MinTree, so finding the earliest request that fits the
 * free vector costs O(groups x log n) instead of a walk over every waiting request.
 */
export class WaitQueue {
  private readonly groups = new Map<string, Group>();
  private count = 0;
  private scratch: number[] = [];

  get size(): number {
    return this.count;
  }

  add(w: WaitingRequest): void {
    const priority = w.options?.priority ?? 0;
    const key = `${priority}|${w.types.join(',')}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = new Group(key, priority, w.types.length);
      this.groups.set(key, g);
    }
    g.append(w);
    this.count++;
  }

  remove(w: WaitingRequest): void {
    const g = w.group as Group | undefined;
    if (g === undefined) return;
    g.remove(w);
    this.count--;
    if (g.live === 0) this.groups.delete(g.key);
  }

  has(w: WaitingRequest): boolean {
    return w.group !== undefined;
  }

  /** The request at the front of the queue (highest priority, then earliest). */
  head(): WaitingRequest | undefined {
    if (this.count === 0) return undefined;
    let best: WaitingRequest | undefined;
    for (const g of this.groups.values()) {
      const w = g.first();
      if (w !== undefined && (best === undefined || ahead(w, best))) best = w;
    }
    return best;
  }

  /**
   * The earliest request in queue order whose every demand fits `avail` (units indexed
   * by resource type; a missing entry counts as 0).
   */
  firstFitting(avail: readonly number[]): WaitingRequest | undefined {
    if (this.count === 0) return undefined;
    let best: WaitingRequest | undefined;
    const dimAvail = this.scratch;
    for (const g of this.groups.values()) {
      if (best !== undefined && g.priority < (best.options?.priority ?? 0)) continue;
      const sample = g.first();
      if (sample === undefined) continue;
      const types = sample.types;
      for (let j = 0; j < types.length; j++) dimAvail[j] = avail[types[j]!] ?? 0;
      dimAvail.length = types.length;
      const slot = g.tree.findFirst(dimAvail);
      const w = slot >= 0 ? g.slots[slot] : undefined;
      if (w !== undefined && (best === undefined || ahead(w, best))) best = w;
    }
    return best;
  }

  /** Every waiting request in queue order. O(n log n): for status, tests and tools. */
  toArray(): WaitingRequest[] {
    const all: WaitingRequest[] = [];
    for (const g of this.groups.values()) for (const w of g.slots) if (w !== undefined) all.push(w);
    return all.sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
  }
}
