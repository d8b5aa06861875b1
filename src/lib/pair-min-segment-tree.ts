/**
 * Names the id holding the least (first, second) pair, lowest id on a tie: O(1) to read, O(log n)
 * to set or unset. See docs/design/queue-index.md#the-front-of-the-queue.
 * Kept apart from MinSegmentTree: one tree with a comparator costs figures 2d-2f 22% more instructions.
 */
export class PairMinSegmentTree {
  /** Leaves; always a power of two. */
  private size = 16;
  /** Per node (leaves from `size` on), the id of the least pair below it, or -1 for none. */
  private winners = new Int32Array(32).fill(-1);
  /** The pair of each id (read only while the id holds one). */
  private firsts = new Float64Array(16);
  private seconds = new Float64Array(16);

  /** The id holding the least pair, or -1 when no id holds one. */
  least(): number {
    return this.winners[1]!;
  }

  /** Gives `id` the pair (`first`, `second`), growing the tree when `id` is past its end. */
  set(id: number, first: number, second: number): void {
    if (id >= this.size) this.grow(id);
    this.firsts[id] = first;
    this.seconds[id] = second;
    this.update(id, id);
  }

  /** Takes away the pair of `id`, if it holds one. */
  unset(id: number): void {
    if (id < this.size) this.update(id, -1);
  }

  /** Puts `leaf` (`id` or -1) at the leaf of `id` and replays the matches above it. */
  private update(id: number, leaf: number): void {
    const w = this.winners;
    let n = this.size + id;
    w[n] = leaf;
    for (n >>= 1; n >= 1; n >>= 1) {
      const best = this.better(w[2 * n]!, w[2 * n + 1]!);
      // The same winner with the same pair: nothing above changes.
      if (best === w[n] && best !== id) return;
      w[n] = best;
    }
  }

  /** The id of the lesser pair of `a` and `b` (either may be -1); `a` on a tie, being the lower id. */
  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const fa = this.firsts[a]!;
    const fb = this.firsts[b]!;
    if (fa !== fb) return fb < fa ? b : a;
    return this.seconds[b]! < this.seconds[a]! ? b : a;
  }

  private grow(id: number): void {
    let size = this.size;
    while (size <= id) size *= 2;
    const firsts = new Float64Array(size);
    firsts.set(this.firsts);
    const seconds = new Float64Array(size);
    seconds.set(this.seconds);
    this.firsts = firsts;
    this.seconds = seconds;
    const w = new Int32Array(2 * size).fill(-1);
    w.set(this.winners.subarray(this.size, 2 * this.size), size);
    for (let n = size - 1; n >= 1; n--) w[n] = this.better(w[2 * n]!, w[2 * n + 1]!);
    this.winners = w;
    this.size = size;
  }
}
