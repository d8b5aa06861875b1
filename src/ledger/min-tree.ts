/**
 * A segment tree over slots in arrival order holding, per dimension, the minimum demand
 * of the live requests below each node. It answers "which is the earliest request whose
 * every demand fits in `avail`?" by descending only into subtrees whose minimums fit,
 * so a release that can grant nothing is settled at the root, whatever the queue depth.
 */
export class MinTree {
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

  /** Sets slot `slot` to `values` (one per dimension), or empties it when `values` is null. */
  set(slot: number, values: ArrayLike<number> | null): void {
    const k = this.dims;
    const d = this.data;
    let n = this.size + slot;
    for (let j = 0; j < k; j++) d[n * k + j] = values === null ? Infinity : values[j]!;
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

  /** Earliest slot whose demands all fit in `avail` (one per dimension), or -1. */
  findFirst(avail: ArrayLike<number>): number {
    return this.find(1, avail);
  }

  private find(n: number, avail: ArrayLike<number>): number {
    const k = this.dims;
    const base = n * k;
    for (let j = 0; j < k; j++) if (this.data[base + j]! > avail[j]!) return -1;
    if (n >= this.size) return n - this.size;
    const left = this.find(2 * n, avail);
    return left >= 0 ? left : this.find(2 * n + 1, avail);
  }

  /** Rebuilds with room for `size` slots (a power of two) from `leaf(slot)` values. */
  rebuild(size: number, count: number, leaf: (slot: number) => ArrayLike<number>): void {
    const k = this.dims;
    this.size = size;
    this.data = new Float64Array(2 * size * k).fill(Infinity);
    const d = this.data;
    for (let s = 0; s < count; s++) {
      const v = leaf(s);
      for (let j = 0; j < k; j++) d[(size + s) * k + j] = v[j]!;
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
