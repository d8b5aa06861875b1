import { LazyRingIndex } from './lazy-ring-index.js';

/** Ids joined into one string per batch (see RecentStrings). */
const BATCH = 1024;

/**
 * The latest `limit` ids, each at a ring slot where the caller keeps the rest, joined BATCH to a
 * string and filed only when looked up. See docs/design/memory-and-gc.md#remembering-ended-allocations.
 * Kept for speed: one string per id costs figures 2a-2c 20% more instructions per release.
 */
export class RecentStrings {
  /** Ids added since the last batch was joined, at their positions in the batch (the array is reused). */
  private readonly pending: string[] = new Array<string>(BATCH).fill('');
  /** Joined batches, batch b at b % batches.length. */
  private readonly batches: string[] = [];
  /** Length of the pending ids together, so far. */
  private pendingEnd = 0;
  /** Where each id ends in its batch's text, entry i at i % ends.length (noted as it is added). */
  private readonly ends: Int32Array;
  /** Ids ever added. */
  private count = 0;
  private readonly filing: LazyRingIndex<string>;

  constructor(readonly limit: number) {
    // Enough batches that every remembered id is in one still kept.
    const batches = limit > 0 ? Math.ceil(limit / BATCH) + 1 : 0;
    this.batches.length = batches;
    this.ends = new Int32Array(batches * BATCH);
    this.filing = new LazyRingIndex(limit, (i) => this.idAt(i));
  }

  /** Ids remembered. */
  get size(): number {
    return Math.min(this.count, this.limit);
  }

  /** The slot of `id`, or -1 when it was never added or has been forgotten. */
  slotOf(id: string): number {
    return this.filing.slotOf(id, this.count);
  }

  /** Remembers `a`'s id, forgetting the oldest when full; returns its slot (-1 when `limit` is 0). */
  add(a: { readonly id: string }): number {
    if (this.limit <= 0) return -1;
    const id = a.id;
    const i = this.count;
    // The id this one replaces in the ring is forgotten.
    if (i >= this.limit) this.filing.forget(i - this.limit);
    const pos = i % BATCH;
    this.pending[pos] = id;
    this.pendingEnd = (pos === 0 ? 0 : this.pendingEnd) + id.length;
    this.ends[i % this.ends.length] = this.pendingEnd;
    this.count++;
    if (pos === BATCH - 1) this.join();
    return i % this.limit;
  }

  /** The id added `i`-th (counted from 0), which must still be kept. */
  private idAt(i: number): string {
    const batch = Math.floor(i / BATCH);
    const pos = i % BATCH;
    if (batch === Math.floor(this.count / BATCH)) return this.pending[pos]!;
    const text = this.batches[batch % this.batches.length]!;
    const start = pos === 0 ? 0 : this.ends[(i - 1) % this.ends.length]!;
    return text.slice(start, this.ends[i % this.ends.length]!);
  }

  /** Joins the full batch of pending ids (their ends were noted as they came). */
  private join(): void {
    const first = this.count - BATCH;
    this.batches[Math.floor(first / BATCH) % this.batches.length] = this.pending.join('');
    // The ids live on in the joined text; the array holds none of them for longer.
    this.pending.fill('');
  }
}
