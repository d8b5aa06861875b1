/**
 * Per-dimension minimum demands over slots, each request filed under one dimension it is blocked
 * on, so a search skips what cannot fit. See docs/design/queue-index.md#the-per-group-min-segment-tree.
 */
export class DemandTree {
  /** Leaves in the tree; always a power of two. */
  private size: number;
  private data: Float64Array;

  constructor(
    private readonly dims: number,
    initialSize = 16,
  ) {
    this.size = initialSize;
    this.data = new Float64Array(2 * initialSize * dims).fill(Infinity);
  }

  get capacity(): number {
    return this.size;
  }

  /** The smallest demand filed under dimension `dim` anywhere in the tree (+infinity if none). */
  lowest(dim: number): number {
    return this.data[this.dims + dim]!;
  }

  /** Files slot `slot` under dimension `dim` with demand `value`; `dim` -1 empties the slot. */
  set(slot: number, dim: number, value: number): void {
    const k = this.dims;
    const d = this.data;
    let n = this.size + slot;
    for (let j = 0; j < k; j++) d[n * k + j] = j === dim ? value : Infinity;
    n >>= 1;
    while (n >= 1) {
      const l = 2 * n * k;
      const r = l + k;
      let changed = false;
      for (let j = 0; j < k; j++) {
        const a = d[l + j]!;
        const b = d[r + j]!;
        const m = a < b ? a : b;
        if (d[n * k + j] !== m) {
          d[n * k + j] = m;
          changed = true;
        }
      }
      // Ancestors hold minimums of this node; if it did not change, neither do they.
      if (!changed) return;
      n >>= 1;
    }
  }

  /**
   * Earliest slot whose demands (`demandsOf(slot)`) all fit in `avail`, or -1; slots reached that do
   * not fit are re-filed under a blocked dimension, above `reach` if they can be.
   */
  findFirst(avail: ArrayLike<number>, reach: ArrayLike<number>, demandsOf: (slot: number) => ArrayLike<number>): number {
    return this.find(1, avail, reach, demandsOf);
  }

  private find(n: number, avail: ArrayLike<number>, reach: ArrayLike<number>, demandsOf: (slot: number) => ArrayLike<number>): number {
    const k = this.dims;
    const d = this.data;
    const base = n * k;
    let open = false;
    for (let j = 0; j < k; j++) {
      if (d[base + j]! <= avail[j]!) {
        open = true;
        break;
      }
    }
    if (!open) return -1;
    if (n >= this.size) {
      const slot = n - this.size;
      const units = demandsOf(slot);
      const blocked = blockedOn(units, avail, reach, k);
      if (blocked < 0) return slot;
      this.set(slot, blocked, units[blocked]!);
      return -1;
    }
    const left = this.find(2 * n, avail, reach, demandsOf);
    return left >= 0 ? left : this.find(2 * n + 1, avail, reach, demandsOf);
  }

  /**
   * As findFirst, but a slot `skip` names counts as not fitting and stays filed as it is: for a
   * replay that has granted it already (src/core/contention/). Adds the leaves it looks at to
   * `work.count`. Kept apart so findFirst stays as it is.
   */
  findFirstExcept(avail: ArrayLike<number>, reach: ArrayLike<number>, demandsOf: (slot: number) => ArrayLike<number>, skip: (slot: number) => boolean, work: { count: number }): number {
    return this.findExcept(1, avail, reach, demandsOf, skip, work);
  }

  private findExcept(n: number, avail: ArrayLike<number>, reach: ArrayLike<number>, demandsOf: (slot: number) => ArrayLike<number>, skip: (slot: number) => boolean, work: { count: number }): number {
    const k = this.dims;
    const d = this.data;
    let open = false;
    for (let j = 0; j < k; j++) {
      if (d[n * k + j]! <= avail[j]!) {
        open = true;
        break;
      }
    }
    if (!open) return -1;
    if (n < this.size) {
      const left = this.findExcept(2 * n, avail, reach, demandsOf, skip, work);
      return left >= 0 ? left : this.findExcept(2 * n + 1, avail, reach, demandsOf, skip, work);
    }
    work.count++;
    const slot = n - this.size;
    const units = demandsOf(slot);
    const blocked = blockedOn(units, avail, reach, k);
    if (blocked < 0) return skip(slot) ? -1 : slot;
    this.set(slot, blocked, units[blocked]!);
    return -1;
  }

  /** Empties every slot. */
  clear(): void {
    this.data.fill(Infinity);
  }

  /** Rebuilds with room for `size` slots (a power of two): new slot s keeps old slot `from[s]`'s filing; later ones are empty. */
  rebuild(size: number, from: readonly number[]): void {
    const k = this.dims;
    const old = this.data;
    const oldSize = this.size;
    this.size = size;
    this.data = new Float64Array(2 * size * k).fill(Infinity);
    const d = this.data;
    for (let s = 0; s < from.length; s++) {
      const o = (oldSize + from[s]!) * k;
      for (let j = 0; j < k; j++) d[(size + s) * k + j] = old[o + j]!;
    }
    for (let n = size - 1; n >= 1; n--) {
      for (let j = 0; j < k; j++) {
        const a = d[2 * n * k + j]!;
        const b = d[(2 * n + 1) * k + j]!;
        d[n * k + j] = a < b ? a : b;
      }
    }
  }
}

/** The dimension a leaf's `units` is filed under when it does not fit `avail`: the first above `reach`, else the first above `avail`; -1 when it fits. */
function blockedOn(units: ArrayLike<number>, avail: ArrayLike<number>, reach: ArrayLike<number>, k: number): number {
  let blocked = -1;
  for (let j = 0; j < k; j++) {
    const u = units[j]!;
    if (u <= avail[j]!) continue;
    if (u > reach[j]!) return j;
    if (blocked < 0) blocked = j;
  }
  return blocked;
}
