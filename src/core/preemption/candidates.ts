import type { HeldAllocation } from '../model.js';

/** The allocations granted at one priority. */
interface Level {
  readonly priority: number;
  /** In grant order; ended ones stay until they are half of it (see `ended`). */
  list: HeldAllocation[];
  /** Live allocations in `list`. */
  live: number;
  /** Units held by the candidates of this level (live, not set aside), by type index. */
  readonly sums: number[];
}

/**
 * Live allocations that a request of higher priority may preempt, by priority level, so a
 * preemptor visits only levels below its own and learns at once whether they could make room.
 * A candidate set aside (a victim already told to end) counts for nothing until restored.
 */
export class Candidates {
  /** Levels by ascending priority; a level goes when its last allocation ends. */
  private readonly levels: Level[] = [];
  private readonly byPriority = new Map<number, Level>();

  /** @param live false once an allocation has ended; @param setAside true while one is a victim already noticed. */
  constructor(
    private readonly isLive: (a: HeldAllocation) => boolean,
    private readonly isSetAside: (a: HeldAllocation) => boolean,
  ) {}

  /** A new allocation: the most recent of its level. */
  add(a: HeldAllocation): void {
    let level = this.byPriority.get(a.priority);
    if (level === undefined) {
      level = { priority: a.priority, list: [], live: 0, sums: [] };
      this.byPriority.set(a.priority, level);
      this.levels.splice(this.indexAbove(a.priority), 0, level);
    }
    level.list.push(a);
    level.live++;
    add(level.sums, a, 1);
  }

  /** `a` ended; `wasCandidate` false when it had been set aside. */
  ended(a: HeldAllocation, wasCandidate: boolean): void {
    const level = this.byPriority.get(a.priority)!;
    level.live--;
    if (wasCandidate) add(level.sums, a, -1);
    if (level.live === 0) {
      this.byPriority.delete(a.priority);
      this.levels.splice(this.levels.indexOf(level), 1);
    } else if (level.list.length > 2 * level.live + 16) {
      level.list = level.list.filter(this.isLive);
    }
  }

  /** Live `a` is a victim already noticed: no longer a candidate. */
  setAside(a: HeldAllocation): void {
    add(this.byPriority.get(a.priority)!.sums, a, -1);
  }

  /** Live `a`, set aside, is a candidate again. */
  restore(a: HeldAllocation): void {
    add(this.byPriority.get(a.priority)!.sums, a, 1);
  }

  /** True when the candidates of priority below `p` hold at least `short[i]` of each type `types[i]`. */
  couldCover(p: number, types: readonly number[], short: readonly number[]): boolean {
    for (let i = 0; i < types.length; i++) {
      if (short[i]! <= 0) continue;
      let held = 0;
      for (const level of this.levels) {
        if (level.priority >= p) break;
        held += level.sums[types[i]!] ?? 0;
      }
      if (held < short[i]!) return false;
    }
    return true;
  }

  /** Candidates of priority below `p`, in preemption order: lowest priority first, then most recently granted first. */
  *below(p: number): Generator<HeldAllocation> {
    for (const level of this.levels) {
      if (level.priority >= p) return;
      const list = level.list;
      for (let k = list.length - 1; k >= 0; k--) {
        const a = list[k]!;
        if (this.isLive(a) && !this.isSetAside(a)) yield a;
      }
    }
  }

  /** The index of the first level above priority `p`. */
  private indexAbove(p: number): number {
    let lo = 0;
    let hi = this.levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.levels[mid]!.priority <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function add(sums: number[], a: HeldAllocation, sign: 1 | -1): void {
  for (let i = 0; i < a.types.length; i++) {
    const t = a.types[i]!;
    sums[t] = (sums[t] ?? 0) + sign * a.units[i]!;
  }
}
