import type { HeapItem } from '../../lib/indexed-heap.js';
import { LeveledHeaps } from '../../lib/leveled-heaps.js';
import type { QueuedRequest } from '../model.js';
import type { Tenant } from './tenants.js';

/** What a policy reads of one lane (a replay gives its own: src/core/contention/). */
export interface LaneView {
  readonly tenant: Tenant;
  /** Its rank key: the tenant's weighted share, then its first request's arrival. */
  readonly share: number;
  readonly seq: number;
  first(): QueuedRequest | undefined;
  firstFitting(room: readonly number[]): QueuedRequest | undefined;
}

/** What a policy reads of the lanes. */
export interface LanesView {
  highest(): number | undefined;
  prioritiesFrom(from: number): Iterable<number>;
  leastAt(priority: number): LaneView | undefined;
  visitAt(priority: number, visit: (lane: LaneView) => boolean): void;
  lanesAt(priority: number): readonly LaneView[];
  /** The lane waiting request `w` is filed in. */
  laneOf(w: QueuedRequest): LaneView;
}

/**
 * One tenant's waiting requests of one priority, in arrival order. Requests that leave stay
 * in `items` until passed over (lazy removal); see Lanes.
 */
export class Lane implements HeapItem, LaneView {
  heapIndex = -1;
  items: QueuedRequest[] = [];
  /** First index that may still be live. */
  head = 0;
  live = 0;
  /** The rank key it is filed under in its level: the tenant's weighted share, then its first request's arrival. */
  share = 0;
  seq = 0;
  /**
   * Room (units by type, after the tenant's quota) for which a full scan found nothing that fits,
   * until a request joins: a lane that cannot use what is free costs one comparison per type.
   */
  private noFit: number[] | undefined;

  constructor(
    readonly tenant: Tenant,
    readonly priority: number,
  ) {}

  /** The earliest live request. */
  first(): QueuedRequest | undefined {
    const items = this.items;
    while (this.head < items.length && items[this.head]!.lane !== this) this.head++;
    return items[this.head];
  }

  push(w: QueuedRequest): void {
    w.lane = this;
    this.items.push(w);
    this.live++;
    this.noFit = undefined;
  }

  /** Takes `w` out; true when the lane's first request changed. */
  remove(w: QueuedRequest): boolean {
    w.lane = undefined;
    this.live--;
    if (this.live === 0) {
      this.items = [];
      this.head = 0;
      return true;
    }
    const wasFirst = this.items[this.head] === w;
    // Bounded memory when requests leave from the middle: squeeze the dead out now and then.
    if (this.items.length - this.head > 2 * this.live + 16) {
      this.items = this.items.filter((x, i) => i >= this.head && x.lane === this);
      this.head = 0;
    }
    return wasFirst;
  }

  /** The earliest request whose every demand fits `room` (units by type; missing is 0). */
  firstFitting(room: readonly number[]): QueuedRequest | undefined {
    const memo = this.noFit;
    if (memo !== undefined && noMore(room, memo)) return undefined;
    const items = this.items;
    for (let i = this.head; i < items.length; i++) {
      const w = items[i]!;
      if (w.lane !== this) continue;
      if (fitsRoom(w, room)) return w;
    }
    this.noFit = room.slice();
    return undefined;
  }
}

function fitsRoom(w: QueuedRequest, room: readonly number[]): boolean {
  for (let i = 0; i < w.types.length; i++) if (w.units[i]! > (room[w.types[i]!] ?? 0)) return false;
  return true;
}

/** True when `room` is nowhere larger than `than`. */
function noMore(room: readonly number[], than: readonly number[]): boolean {
  if (room.length > than.length) return false;
  for (let t = 0; t < room.length; t++) if (room[t]! > than[t]!) return false;
  return true;
}

function before(a: Lane, b: Lane): boolean {
  return a.share !== b.share ? a.share < b.share : a.seq < b.seq;
}

/**
 * Waiting requests by tenant and priority, beside the wait queue, for what the queue's index
 * cannot see: a tenant's quota and its share. Within a priority, lanes are kept in a heap by
 * (weighted share, earliest arrival), so fair share visits them from the lowest share and stops
 * at the first that can be granted. See docs/policies.md.
 */
export class Lanes implements LanesView {
  private readonly levels = new LeveledHeaps<Lane>(before);
  private readonly byTenant = new Map<Tenant, Map<number, Lane>>();

  constructor(
    /** The rank share of a tenant: its dominant share divided by its weight. */
    private readonly shareOf: (t: Tenant) => number,
  ) {}

  add(w: QueuedRequest, tenant: Tenant): void {
    const priority = w.options?.priority ?? 0;
    let lanes = this.byTenant.get(tenant);
    if (lanes === undefined) {
      lanes = new Map();
      this.byTenant.set(tenant, lanes);
    }
    let lane = lanes.get(priority);
    if (lane === undefined) {
      lane = new Lane(tenant, priority);
      lanes.set(priority, lane);
    }
    lane.push(w);
    if (lane.live === 1) {
      lane.share = this.shareOf(tenant);
      lane.seq = w.seq;
      this.levels.push(priority, lane);
    }
  }

  remove(w: QueuedRequest): void {
    const lane = w.lane as Lane | undefined;
    if (lane === undefined) return;
    if (!lane.remove(w)) return;
    if (lane.live > 0) {
      lane.seq = lane.first()!.seq;
      this.levels.update(lane.priority, lane);
      return;
    }
    this.levels.remove(lane.priority, lane);
    const lanes = this.byTenant.get(lane.tenant)!;
    lanes.delete(lane.priority);
    if (lanes.size === 0) this.byTenant.delete(lane.tenant);
  }

  /** Moves every lane of `tenant`, whose share changed. */
  shareChanged(tenant: Tenant): void {
    const lanes = this.byTenant.get(tenant);
    if (lanes === undefined) return;
    const share = this.shareOf(tenant);
    for (const lane of lanes.values()) {
      if (lane.share === share) continue;
      lane.share = share;
      this.levels.update(lane.priority, lane);
    }
  }

  /** Moves every lane (capacities changed, so every share did). */
  refileAll(): void {
    this.levels.rekeyAll((lane) => (lane.share = this.shareOf(lane.tenant)));
  }

  /** The highest priority with a waiting request. */
  highest(): number | undefined {
    return this.levels.highest();
  }

  /** Priorities with waiting requests, highest first, from `from` down. */
  prioritiesFrom(from: number): Iterable<number> {
    return this.levels.levelsFrom(from);
  }

  /** The lane of `priority` with the lowest rank key. */
  leastAt(priority: number): Lane | undefined {
    return this.levels.least(priority);
  }

  /** Visits the lanes of `priority`, lowest rank key first, until `visit` returns false. */
  visitAt(priority: number, visit: (lane: Lane) => boolean): void {
    this.levels.visit(priority, visit);
  }

  /** The lanes of `priority`, in no particular order. */
  lanesAt(priority: number): readonly Lane[] {
    return this.levels.itemsAt(priority);
  }

  laneOf(w: QueuedRequest): Lane {
    return w.lane as Lane;
  }
}
