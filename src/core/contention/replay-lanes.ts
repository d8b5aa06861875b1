import type { HeapItem } from '../../lib/indexed-heap.js';
import { LeveledHeaps } from '../../lib/leveled-heaps.js';
import type { QueuedRequest } from '../model.js';
import type { Lane, LaneView, LanesView } from '../tenants/lanes.js';
import type { Tenant } from '../tenants/tenants.js';
import type { Copies, Copy } from './replay-queue.js';

/** One of the manager's lanes as a replay sees it: its requests less those the replay has granted or timed out. */
export class ReplayLane implements HeapItem, LaneView {
  heapIndex = -1;
  share = 0;
  seq = 0;
  /** First index in the real lane's items that may still be waiting. */
  private head: number;
  /** Room for which a full scan found nothing that fits (as Lane: nothing joins a lane in a replay). */
  private noFit: number[] | undefined;

  constructor(
    private readonly real: Lane,
    /** The replay's copy of the lane's tenant. */
    readonly tenant: Tenant,
    private readonly copies: Copies,
  ) {
    this.head = real.head;
  }

  get priority(): number {
    return this.real.priority;
  }

  /** The earliest request still waiting in the replay. */
  firstOriginal(): QueuedRequest | undefined {
    const items = this.real.items;
    while (this.head < items.length && !this.waits(items[this.head]!)) this.head++;
    return items[this.head];
  }

  first(): Copy | undefined {
    const w = this.firstOriginal();
    return w === undefined ? undefined : this.copies.of(w);
  }

  firstFitting(room: readonly number[]): Copy | undefined {
    const memo = this.noFit;
    if (memo !== undefined && noMore(room, memo)) return undefined;
    const items = this.real.items;
    for (let i = this.head; i < items.length; i++) {
      const w = items[i]!;
      this.copies.work.count++;
      if (!this.waits(w)) continue;
      let fits = true;
      for (let j = 0; fits && j < w.types.length; j++) if (w.units[j]! > (room[w.types[j]!] ?? 0)) fits = false;
      if (fits) return this.copies.of(w);
    }
    this.noFit = room.slice();
    return undefined;
  }

  private waits(w: QueuedRequest): boolean {
    return w.lane === this.real && !this.copies.gone(w);
  }
}

function noMore(room: readonly number[], than: readonly number[]): boolean {
  if (room.length > than.length) return false;
  for (let t = 0; t < room.length; t++) if (room[t]! > than[t]!) return false;
  return true;
}

function before(a: ReplayLane, b: ReplayLane): boolean {
  return a.share !== b.share ? a.share < b.share : a.seq < b.seq;
}

/**
 * The lanes of a replay, kept as the manager's Lanes keeps its own (by priority, each level a
 * heap by weighted share, then first arrival), over the manager's lanes less what the replay took.
 */
export class ReplayLanes implements LanesView {
  private readonly levels = new LeveledHeaps<ReplayLane>(before);
  private readonly byTenant = new Map<Tenant, ReplayLane[]>();
  private readonly byReal = new Map<Lane, ReplayLane>();

  constructor(
    real: Iterable<Lane>,
    account: (t: Tenant) => Tenant,
    private readonly shareOf: (t: Tenant) => number,
    copies: Copies,
  ) {
    for (const r of real) {
      const lane = new ReplayLane(r, account(r.tenant), copies);
      const first = lane.firstOriginal();
      if (first === undefined) continue;
      this.byReal.set(r, lane);
      lane.share = shareOf(lane.tenant);
      lane.seq = first.seq;
      this.levels.push(lane.priority, lane);
      const mine = this.byTenant.get(lane.tenant);
      if (mine === undefined) this.byTenant.set(lane.tenant, [lane]);
      else mine.push(lane);
    }
  }

  /** `w` left the replay's queue (marked gone already). */
  remove(w: Copy): void {
    const lane = this.byReal.get(w.original.lane as Lane);
    if (lane === undefined || lane.heapIndex < 0) return;
    const first = lane.firstOriginal();
    if (first === undefined) this.levels.remove(lane.priority, lane);
    else if (first.seq !== lane.seq) {
      lane.seq = first.seq;
      this.levels.update(lane.priority, lane);
    }
  }

  /** Moves the lanes of `tenant`, whose share changed. */
  shareChanged(tenant: Tenant): void {
    const lanes = this.byTenant.get(tenant);
    if (lanes === undefined) return;
    const share = this.shareOf(tenant);
    for (const lane of lanes) {
      if (lane.heapIndex < 0 || lane.share === share) continue;
      lane.share = share;
      this.levels.update(lane.priority, lane);
    }
  }

  highest(): number | undefined {
    return this.levels.highest();
  }

  prioritiesFrom(from: number): Iterable<number> {
    return this.levels.levelsFrom(from);
  }

  leastAt(priority: number): ReplayLane | undefined {
    return this.levels.least(priority);
  }

  visitAt(priority: number, visit: (lane: ReplayLane) => boolean): void {
    this.levels.visit(priority, visit);
  }

  lanesAt(priority: number): readonly ReplayLane[] {
    return this.levels.itemsAt(priority);
  }

  // A copy is filed by its original's lane: copies are made lazily and carry none of their own.
  laneOf(w: QueuedRequest): ReplayLane {
    return this.byReal.get((w as Copy).original.lane as Lane)!;
  }
}
