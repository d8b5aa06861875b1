import type { QueuedRequest } from '../model.js';

/** Waiting requests with the same types and amounts, in any order. */
export interface Demand {
  /** The first such request's types and units, in its order. */
  readonly types: readonly number[];
  readonly units: readonly number[];
  readonly count: number;
}

/**
 * Buffers for DemandGroups, kept between calls: allocating and zeroing them for 100,000 requests
 * cost as much as the rest of a contention report. Owned by the manager, grown on first use.
 */
export class DemandScratch {
  hash = new Int32Array(0);
  count = new Int32Array(0);
  seq = new Float64Array(0);
  first: (QueuedRequest | undefined)[] = [];
  table = new Int32Array(0);

  /** Makes room for `n` requests; the table is left empty. */
  fit(n: number): void {
    if (this.hash.length < n) {
      const size = Math.max(n, 2 * this.hash.length);
      this.hash = new Int32Array(size);
      this.count = new Int32Array(size);
      this.seq = new Float64Array(size);
    }
    let slots = 16;
    while (slots * 3 < 4 * n) slots *= 2;
    if (this.table.length < slots) this.table = new Int32Array(slots);
    else this.table.fill(0);
  }
}

/**
 * Counts waiting requests by demand, O(types) each, with no object or map entry per demand: a
 * table of entry numbers keyed by a hash that does not depend on the order of the requirements;
 * only requests whose hashes are equal are compared. Runs of requests sharing one shape's arrays
 * (the queue keeps them together) count without a look-up.
 */
export class DemandGroups {
  private size = 0;
  private readonly mask: number;
  private readonly table: Int32Array;
  private readonly hashes: Int32Array;
  private readonly count: Int32Array;
  private readonly seq: Float64Array;
  private readonly first: (QueuedRequest | undefined)[];
  private lastUnits: readonly number[] | undefined;
  private lastTypes: readonly number[] | undefined;
  /** The entry the last request was counted in (found or made). */
  private lastEntry = -1;

  /** @param most how many requests will be added, at most. */
  constructor(s: DemandScratch, most: number) {
    s.fit(most);
    this.mask = s.table.length - 1;
    ({ table: this.table, hash: this.hashes, count: this.count, seq: this.seq, first: this.first } = s);
  }

  /** Counts `w`, whose demand hashes to `hash` (mixDemand over its demands, from their count). */
  add(w: QueuedRequest, hash: number): void {
    const { types, units } = w;
    let e: number;
    if (units === this.lastUnits && types === this.lastTypes) e = this.lastEntry;
    else {
      this.lastUnits = units;
      this.lastTypes = types;
      e = this.lastEntry = this.find(hash, w);
    }
    this.count[e]!++;
    if (w.seq < this.seq[e]!) {
      this.seq[e] = w.seq;
      this.first[e] = w;
    }
  }

  /** The `limit` largest groups, largest count first, then the earliest first arrival. */
  top(limit: number): Demand[] {
    const { count, seq, first } = this;
    const best: number[] = [];
    const before = (x: number, y: number): boolean => (count[x] !== count[y] ? count[x]! > count[y]! : seq[x]! < seq[y]!);
    for (let e = 0; e < this.size; e++) {
      if (best.length === limit && !before(e, best[limit - 1]!)) continue;
      let i = Math.min(best.length, limit - 1);
      while (i > 0 && before(e, best[i - 1]!)) i--;
      best.splice(i, 0, e);
      if (best.length > limit) best.pop();
    }
    return best.map((e) => ({ types: first[e]!.types, units: first[e]!.units, count: count[e]! }));
  }

  /** The entry of `w`'s demand, made when new (a run of one shape is one entry, so a new one may still be found). */
  private find(hash: number, w: QueuedRequest): number {
    const { table, hashes, first } = this;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = table[slot]! - 1;
      if (e < 0) {
        const made = this.size++;
        table[slot] = made + 1;
        hashes[made] = hash;
        this.count[made] = 0;
        this.seq[made] = Infinity;
        first[made] = w;
        return made;
      }
      if (hashes[e] === hash && sameDemand(first[e]!, w)) return e;
    }
  }
}

/** Folds demand (`t`, `u`) into `hash` by addition, so the order of a request's demands does not matter. */
export function mixDemand(hash: number, t: number, u: number): number {
  // The low 32 bits of the units only: amounts that differ above them are told apart when compared.
  let h = Math.imul(t + 1, 0x9e3779b1) ^ Math.imul(u | 0, 0x85ebca6b);
  h ^= h >>> 15;
  return (hash + h) | 0;
}

/** True when `a` and `b` ask the same units of the same types (no type appears twice in a request). */
function sameDemand(a: QueuedRequest, b: QueuedRequest): boolean {
  if (a.types.length !== b.types.length) return false;
  if (a.units === b.units && a.types === b.types) return true;
  for (let i = 0; i < b.types.length; i++) {
    const j = a.types.indexOf(b.types[i]!);
    if (j < 0 || a.units[j] !== b.units[i]) return false;
  }
  return true;
}
