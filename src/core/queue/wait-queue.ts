import { BinaryHeap } from '../../lib/binary-heap.js';
import { MultiMap } from '../../lib/multi-map.js';
import { MinSegmentTree } from '../../lib/min-segment-tree.js';
import { PairMinSegmentTree } from '../../lib/pair-min-segment-tree.js';
import { DemandTree } from './demand-tree.js';
import type { QueuedRequest } from '../model.js';

/**
 * Waiting requests of one priority and ordered type list, slots in arrival order, with a tree
 * brought up to date only when read. See docs/design/queue-index.md#groups.
 */
class Group {
  /** Requests by slot; slots at and after `end` are unused. */
  slots: (QueuedRequest | undefined)[] = [];
  /** Slots in use (live ones and holes): the next request takes slot `end`. */
  end = 0;
  readonly tree: DemandTree;
  /** First slot that may still be live. */
  head = 0;
  live = 0;

  /** In the queue's list of idle groups (perhaps in use again since). */
  listed = false;
  /** In the queue's list of groups whose tree or published minimums are behind. */
  stale = false;
  /** In the queue's list of groups whose first request may have changed since the front tree was told. */
  frontMoved = false;
  /** Slots whose request came or went since the tree was last brought up to date: the first `changes`. */
  private readonly changed: number[] = [];
  private changes = 0;
  /** True while no slot is filed in the tree: every leaf is empty. */
  private treeEmpty = true;
  /** Per dimension, the tree's lowest filed demand as last told to the queue's type index. */
  readonly published: Float64Array;
  /** The last firstFitting call that took this group as a candidate. */
  seen = 0;

  /** The demands of the request in a live slot, for the tree. */
  readonly demandsOf = (slot: number): readonly number[] => this.slots[slot]!.units;

  constructor(
    readonly hash: number,
    readonly priority: number,
    /** The group's resource type indices, in request order (shared by its requests). */
    readonly types: readonly number[],
    /** Dense number of the group in the queue's type index. */
    readonly id: number,
  ) {
    this.tree = new DemandTree(types.length);
    this.published = new Float64Array(types.length).fill(Infinity);
  }

  first(): QueuedRequest | undefined {
    const slots = this.slots;
    while (this.head < this.end && slots[this.head] === undefined) this.head++;
    return this.head < this.end ? slots[this.head] : undefined;
  }

  /** True when this group holds requests of `priority` and exactly `types`. */
  holds(priority: number, types: readonly number[]): boolean {
    if (this.priority !== priority) return false;
    const mine = this.types;
    if (mine === types) return true;
    if (mine.length !== types.length) return false;
    for (let i = 0; i < types.length; i++) if (mine[i] !== types[i]) return false;
    return true;
  }

  append(w: QueuedRequest): void {
    if (this.end === this.tree.capacity) this.makeRoom();
    w.slot = this.end++;
    w.group = this;
    this.slots[w.slot] = w;
    this.live++;
    this.changedSlot(w.slot);
  }

  remove(w: QueuedRequest): void {
    this.slots[w.slot] = undefined;
    this.live--;
    w.group = undefined;
    if (this.live === 0) {
      // Nothing is left to file: start over at slot 0 with an empty tree, a small one. The
      // slots array keeps its room (every used slot is a hole now) unless the tree shrinks.
      this.end = 0;
      this.head = 0;
      this.changes = 0;
      if (this.tree.capacity > SMALL_TREE) {
        this.tree.rebuild(SMALL_TREE, []);
        this.slots.length = 0;
      } else if (!this.treeEmpty) {
        this.tree.clear();
      }
      this.treeEmpty = true;
      return;
    }
    this.changedSlot(w.slot);
  }

  private changedSlot(slot: number): void {
    this.changed[this.changes++] = slot;
    // Bounded memory for a group that fills for long with no search.
    if (this.changes === CHANGED_MAX) this.sync();
  }

  /** Files the requests that came since the last call (see initialFiling) and empties the slots of those that went; other filings stay. */
  sync(): void {
    const changed = this.changed;
    for (let i = 0; i < this.changes; i++) {
      const slot = changed[i]!;
      const w = this.slots[slot];
      if (w === undefined) {
        this.tree.set(slot, -1, 0);
      } else {
        // A slot is taken again only after a makeRoom or an emptying, which start afresh:
        // a request in a changed slot came after the last call.
        const dim = initialFiling(w.units);
        this.tree.set(slot, dim, w.units[dim]!);
        this.treeEmpty = false;
      }
    }
    this.changes = 0;
  }

  // Slots only ever grow at the end; when the tree is full, either squeeze out the holes
  // (if at most half are live) or double it. Both are O(size), so appends stay amortised O(log n).
  private makeRoom(): void {
    this.sync();
    const liveOnes = this.slots.slice(0, this.end).filter((w): w is QueuedRequest => w !== undefined);
    let size = this.tree.capacity;
    if (liveOnes.length * 2 > size) size *= 2;
    // Each request keeps its filing: what was learnt about where it is blocked stays.
    const from = liveOnes.map((w) => w.slot);
    this.slots.length = 0;
    for (const w of liveOnes) {
      w.slot = this.slots.length;
      this.slots.push(w);
    }
    this.end = liveOnes.length;
    this.head = 0;
    this.tree.rebuild(size, from);
  }
}

/** True when `a` stands in front of `b` in queue order: higher priority, then earlier arrival. */
export function ahead(a: QueuedRequest, b: QueuedRequest): boolean {
  const pa = a.options?.priority ?? 0;
  const pb = b.options?.priority ?? 0;
  return pa !== pb ? pa > pb : a.seq < b.seq;
}

/** Empty groups kept for reuse, so a shape that keeps coming back does not rebuild its group. */
const IDLE_GROUPS = 64;
/** Leaves of the tree an emptied group keeps. */
const SMALL_TREE = 16;
/** Changed slots a group notes before it brings its tree up to date unasked. */
const CHANGED_MAX = 32;
/** firstFitting calls per window of the per-type peaks of free units (see WaitQueue.reach). */
const PEAK_WINDOW = 256;
/** Groups noted in the list of moved fronts before the front tree is brought up to date unasked. */
const MOVED_FRONTS_MAX = 64;

/**
 * The wait queue, indexed so that a release costs about the requests it brings within reach, not
 * the depth of the queue. See docs/design/queue-index.md.
 */
export class WaitQueue {
  /** Groups by hash of (priority, types). */
  private readonly byHash = new MultiMap<Group>();
  /** Groups by id; ids of dropped groups are reused. */
  private readonly byId: (Group | undefined)[] = [];
  private readonly freeIds: number[] = [];
  /** Per resource type index: each group's lowest demand filed under that type. */
  private readonly byType: (MinSegmentTree | undefined)[] = [];
  /** Groups that became empty, oldest first (an entry is stale if its group was used again). */
  private idle: Group[] = [];
  /** Groups whose tree or published minimums are behind, to bring up to date before a search. */
  private stale: Group[] = [];
  private count = 0;
  /** Numbers firstFitting calls, to take each candidate group once. */
  private calls = 0;
  /** Numbers firstFittingExcept calls, likewise. */
  private exceptCalls = 0;
  /** Reused list of candidate group ids. */
  private readonly openIds: number[] = [];
  /**
   * The last search's candidates, highest priority last, less those holding no fit; while `openKept`,
   * they include every group with a fit for `openAvail`. See docs/design/queue-index.md#a-drain-searches-on-from-the-last-searchs-candidates.
   */
  private readonly open: Group[] = [];
  private readonly openAvail: number[] = [];
  private openKept = false;
  /** Per dimension count, reused vectors of the free units and the reach of a group's types. */
  private readonly scratch: Float64Array[] = [];
  private readonly scratchReach: Float64Array[] = [];
  /**
   * Per type, the most free units seen in this window of firstFitting calls and the one before, so a
   * request is filed above what releases of late met. See docs/design/queue-index.md#which-blocked-type-the-peaks-window.
   */
  private peak: number[] = [];
  private lastPeak: number[] = [];
  /** The group found last, unless dropped since. */
  private lastGroup: Group | undefined;
  /** The front of the queue, or undefined when it must be found again. */
  private front: QueuedRequest | undefined;
  /** Per group id, (-priority, seq) of its first request, except for the moved fronts: the least pair is the front. */
  private readonly fronts = new PairMinSegmentTree();
  /** Groups holding a request, and the group that last went from empty to holding one. */
  private liveGroups = 0;
  private lastFilled: Group | undefined;
  /** Groups whose first request may have changed since `fronts` was told, each listed once. */
  private readonly movedFronts: Group[] = [];
  /** Groups head() and firstFitting() have looked at so far: lets tests bound their cost without a clock. */
  groupsLookedAt = 0;

  get size(): number {
    return this.count;
  }

  add(w: QueuedRequest): void {
    const priority = w.options?.priority ?? 0;
    const g = this.groupFor(priority, w.types);
    // Every request of a group has the same type list: keep one copy of it.
    w.types = g.types;
    g.append(w);
    // A newcomer comes last in its group: it is the group's first only in an empty one.
    if (g.live === 1) {
      this.frontMoved(g);
      this.liveGroups++;
      this.lastFilled = g;
    }
    this.markStale(g);
    // A group kept out of the last search's candidates may hold a fit now.
    this.openKept = false;
    // The cached front stays right: only a newcomer can step in front of it.
    if (this.front !== undefined && ahead(w, this.front)) this.front = w;
    else if (this.count === 0) this.front = w;
    this.count++;
  }

  remove(w: QueuedRequest): void {
    const g = w.group as Group | undefined;
    if (g === undefined) return;
    g.remove(w);
    this.frontMoved(g);
    if (g.live === 0) this.liveGroups--;
    this.markStale(g);
    this.count--;
    if (w === this.front) this.front = undefined;
    // An empty group is kept for reuse. One that keeps emptying and filling again is
    // listed once, not once per emptying.
    if (g.live === 0 && !g.listed) {
      g.listed = true;
      this.idle.push(g);
      if (this.idle.length > IDLE_GROUPS) this.trimIdle();
    }
  }

  /** The group of `priority` and `types`, made when there is none. */
  private groupFor(priority: number, types: readonly number[]): Group {
    // Most requests come in a shape seen just before (shapes are interned: same array).
    const last = this.lastGroup;
    if (last !== undefined && last.types === types && last.priority === priority) return last;
    const g = this.findGroup(priority, types);
    this.lastGroup = g;
    return g;
  }

  private findGroup(priority: number, types: readonly number[]): Group {
    const hash = groupHash(priority, types);
    const bucket = this.byHash.bucket(hash);
    for (let i = 0; i < bucket.length; i++) if (bucket[i]!.holds(priority, types)) return bucket[i]!;
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.byId.length;
    const g = new Group(hash, priority, types, id);
    this.byId[id] = g;
    this.byHash.add(hash, g);
    return g;
  }

  /** Forgets the oldest idle groups, keeping half of IDLE_GROUPS, so trims are rare. */
  private trimIdle(): void {
    const stillIdle: Group[] = [];
    for (const g of this.idle) {
      if (g.live === 0) stillIdle.push(g);
      else g.listed = false;
    }
    const excess = stillIdle.length - IDLE_GROUPS / 2;
    for (let i = 0; i < excess; i++) this.drop(stillIdle[i]!);
    this.idle = excess > 0 ? stillIdle.slice(excess) : stillIdle;
  }

  private drop(g: Group): void {
    g.listed = false;
    if (g === this.lastGroup) this.lastGroup = undefined;
    if (g === this.lastFilled) this.lastFilled = undefined;
    this.byHash.delete(g.hash, g);
    // Its id may go to a new group: it must publish +infinity (it is empty) before it goes.
    if (g.stale) {
      g.stale = false;
      g.sync();
      this.publish(g);
    }
    this.byId[g.id] = undefined;
    this.fronts.unset(g.id);
    this.freeIds.push(g.id);
  }

  /** Notes that the first request of `g` may have changed (each group is listed once). */
  private frontMoved(g: Group): void {
    if (g.frontMoved) return;
    g.frontMoved = true;
    this.movedFronts.push(g);
    if (this.movedFronts.length === MOVED_FRONTS_MAX) this.fileFronts();
  }

  /** Tells the front tree where the first request of each group in the list of moved fronts now is. */
  private fileFronts(): void {
    const moved = this.movedFronts;
    for (let i = 0; i < moved.length; i++) {
      const g = moved[i]!;
      g.frontMoved = false;
      // Dropped since it was listed: drop() took it out of the tree.
      if (this.byId[g.id] !== g) continue;
      const w = g.first();
      if (w === undefined) this.fronts.unset(g.id);
      else this.fronts.set(g.id, -g.priority, w.seq);
      this.groupsLookedAt++;
    }
    moved.length = 0;
  }

  private markStale(g: Group): void {
    if (g.stale) return;
    g.stale = true;
    this.stale.push(g);
  }

  /** Brings every group's tree and the type index up to date. */
  private syncAll(): void {
    const stale = this.stale;
    for (let i = 0; i < stale.length; i++) {
      const g = stale[i]!;
      // Dropped since it was listed: it published +infinity then.
      if (!g.stale) continue;
      g.stale = false;
      g.sync();
      this.publish(g);
    }
    stale.length = 0;
  }

  /** Tells the type index where the lowest filed demands of `g` now stand. */
  private publish(g: Group): void {
    const types = g.types;
    for (let j = 0; j < types.length; j++) {
      const low = g.tree.lowest(j);
      if (low === g.published[j]) continue;
      g.published[j] = low;
      const t = types[j]!;
      // A type listed twice in one request (the manager refuses it) shares one entry.
      let v = low;
      for (let i = 0; i < types.length; i++) if (i !== j && types[i] === t && g.published[i]! < v) v = g.published[i]!;
      (this.byType[t] ??= new MinSegmentTree()).set(g.id, v);
    }
  }

  has(w: QueuedRequest): boolean {
    return w.group !== undefined;
  }

  /** The request at the front of the queue (highest priority, then earliest). */
  head(): QueuedRequest | undefined {
    if (this.count === 0) return undefined;
    if (this.front === undefined) {
      this.groupsLookedAt++;
      // One group holds every waiting request (a saturated pool): its first is the front.
      const sole = this.lastFilled;
      if (this.liveGroups === 1 && sole !== undefined && sole.live > 0) {
        this.front = sole.first();
        return this.front;
      }
      if (this.movedFronts.length > 0) this.fileFronts();
      this.front = this.byId[this.fronts.least()]!.first();
    }
    return this.front;
  }

  /**
   * The earliest request in queue order whose every demand fits `avail` (units by type; missing is 0).
   * Requests looked at that do not fit are re-filed under a type they are blocked on.
   */
  firstFitting(avail: readonly number[]): QueuedRequest | undefined {
    if (this.count === 0) return undefined;
    if (this.stale.length > 0) this.syncAll();
    const call = ++this.calls;
    if (call % PEAK_WINDOW === 0) {
      this.lastPeak = this.peak;
      this.peak = [];
    }
    const peak = this.peak;
    for (let t = 0; t < avail.length; t++) {
      const a = avail[t] ?? 0;
      const p = peak[t];
      if (p === undefined || a > p) peak[t] = a;
    }
    // A drain asks again and again with less room each time: the groups the last search
    // ruled out stay ruled out, so its list is searched on instead of collected again.
    if (!this.narrows(avail)) this.collect(avail, call);
    const last = this.openAvail;
    last.length = avail.length;
    for (let t = 0; t < avail.length; t++) last[t] = avail[t] ?? 0;
    this.openKept = true;
    return this.searchOpen(avail);
  }

  /** True when the kept candidates may be searched for `avail`: it has nowhere more room than the last search. */
  private narrows(avail: readonly number[]): boolean {
    if (!this.openKept) return false;
    const last = this.openAvail;
    const n = Math.max(avail.length, last.length);
    for (let t = 0; t < n; t++) if ((avail[t] ?? 0) > (last[t] ?? 0)) return false;
    return true;
  }

  /** Makes the candidates the groups holding a request whose filed demand fits `avail` (only those can hold a fit). */
  private collect(avail: readonly number[], call: number): void {
    const ids = this.openIds;
    const open = this.open;
    ids.length = 0;
    open.length = 0;
    for (let t = 0; t < this.byType.length; t++) this.byType[t]?.collect(avail[t] ?? 0, ids);
    for (let i = 0; i < ids.length; i++) {
      const g = this.byId[ids[i]!]!;
      if (g.seen === call) continue;
      g.seen = call;
      this.groupsLookedAt++;
      open.push(g);
    }
    // Highest priority last, where a search starts and ruled-out groups leave from.
    if (open.length > 1) open.sort(byPriority);
  }

  /**
   * The earliest fit among the candidates, highest priority first (no lower group beats a fit); groups
   * holding none leave the list. See docs/design/queue-index.md#a-drain-searches-on-from-the-last-searchs-candidates.
   */
  private searchOpen(avail: readonly number[]): QueuedRequest | undefined {
    const open = this.open;
    const end = open.length;
    let best: QueuedRequest | undefined;
    // The groups looked at that hold a fit are moved to open[keep..end).
    let keep = end;
    let i = end - 1;
    for (; i >= 0; i--) {
      const g = open[i]!;
      if (best !== undefined && g.priority < (best.options?.priority ?? 0)) break;
      this.groupsLookedAt++;
      if (g.live === 0) continue;
      const w = this.firstIn(g, avail);
      this.publish(g);
      if (w === undefined) continue;
      open[--keep] = g;
      if (best === undefined || ahead(w, best)) best = w;
    }
    const kept = end - keep;
    for (let j = 0; j < kept; j++) open[i + 1 + j] = open[keep + j]!;
    open.length = i + 1 + kept;
    return best;
  }

  /** The earliest request of `g` that fits `avail`, if any. */
  private firstIn(g: Group, avail: readonly number[]): QueuedRequest | undefined {
    const types = g.types;
    const dimAvail = (this.scratch[types.length] ??= new Float64Array(types.length));
    const dimReach = (this.scratchReach[types.length] ??= new Float64Array(types.length));
    for (let j = 0; j < types.length; j++) {
      const t = types[j]!;
      dimAvail[j] = avail[t] ?? 0;
      dimReach[j] = this.reach(t);
    }
    const slot = g.tree.findFirst(dimAvail, dimReach, g.demandsOf);
    return slot >= 0 ? g.slots[slot] : undefined;
  }

  /** The most free units of type `t` seen lately (at least one and at most two windows). */
  private reach(t: number): number {
    const a = this.peak[t] ?? -Infinity;
    const b = this.lastPeak[t] ?? -Infinity;
    return a > b ? a : b;
  }

  // ---- for a replay of what the queue would do (src/core/contention/) ------------------

  /** Every waiting request in queue order, lazily: a merge of the groups' arrival orders, O(groups) to start. */
  *inOrder(): Generator<QueuedRequest> {
    const cursors: { g: Group; s: number }[] = [];
    for (const g of this.byId) {
      if (g === undefined || g.live === 0) continue;
      const s = nextLive(g, g.head);
      if (s < g.end) cursors.push({ g, s });
    }
    const heap = new BinaryHeap((a: { g: Group; s: number }, b: { g: Group; s: number }) => ahead(a.g.slots[a.s]!, b.g.slots[b.s]!), cursors);
    for (let c = heap.pop(); c !== undefined; c = heap.pop()) {
      yield c.g.slots[c.s]!;
      c.s = nextLive(c.g, c.s + 1);
      if (c.s < c.g.end) heap.push(c);
    }
  }

  /**
   * As firstFitting, leaving out the requests `gone` names (a replay's grants). It re-files what
   * it looks at, as firstFitting does (any filing is correct), and leaves firstFitting's kept
   * candidates and windows as they are. Adds the groups and requests it looks at to `work.count`.
   */
  firstFittingExcept(avail: readonly number[], gone: (w: QueuedRequest) => boolean, work: { count: number }): QueuedRequest | undefined {
    if (this.count === 0) return undefined;
    if (this.stale.length > 0) this.syncAll();
    const ids: number[] = [];
    for (let t = 0; t < this.byType.length; t++) this.byType[t]?.collect(avail[t] ?? 0, ids);
    const groups: Group[] = [];
    // Negative, so it never equals a firstFitting call number.
    const mark = -++this.exceptCalls;
    for (const id of ids) {
      const g = this.byId[id]!;
      if (g.seen === mark) continue;
      g.seen = mark;
      groups.push(g);
    }
    groups.sort(byPriority);
    work.count += groups.length;
    let best: QueuedRequest | undefined;
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i]!;
      if (best !== undefined && g.priority < (best.options?.priority ?? 0)) break;
      if (g.live === 0) continue;
      const types = g.types;
      const dimAvail = (this.scratch[types.length] ??= new Float64Array(types.length));
      const dimReach = (this.scratchReach[types.length] ??= new Float64Array(types.length));
      for (let j = 0; j < types.length; j++) {
        dimAvail[j] = avail[types[j]!] ?? 0;
        dimReach[j] = this.reach(types[j]!);
      }
      const slot = g.tree.findFirstExcept(dimAvail, dimReach, g.demandsOf, (s) => gone(g.slots[s]!), work);
      this.publish(g);
      const w = slot >= 0 ? g.slots[slot] : undefined;
      if (w !== undefined && (best === undefined || ahead(w, best))) best = w;
    }
    return best;
  }

  /**
   * Visits every waiting request, in no particular order, a group at a time: `slots[from..to)`
   * holds them, with holes (undefined), and every one of them has `types` as its types (this
   * very array). O(n), for reports over the whole queue; the caller's own loop over each run
   * stays monomorphic, where a callback per request would not.
   */
  forEachRun(visit: (types: readonly number[], slots: readonly (QueuedRequest | undefined)[], from: number, to: number) => void): void {
    for (const g of this.byId) if (g !== undefined && g.live > 0) visit(g.types, g.slots, g.head, g.end);
  }

  /** Every waiting request in queue order. O(n log n): for status, tests and tools. */
  toArray(): QueuedRequest[] {
    const all: QueuedRequest[] = [];
    for (const g of this.byId) {
      if (g === undefined) continue;
      for (let s = g.head; s < g.end; s++) {
        const w = g.slots[s];
        if (w !== undefined) all.push(w);
      }
    }
    return all.sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
  }
}

/** The hash a group of `priority` and `types` is found by (groups that share one are told apart). */
export function groupHash(priority: number, types: readonly number[]): number {
  let hash = Math.imul(priority | 0, 0x9e3779b1);
  for (let i = 0; i < types.length; i++) hash = Math.imul(hash ^ types[i]!, 0x85ebca6b) ^ (hash >>> 13);
  return hash;
}

/** The first slot of `g` at or after `s` that holds a request (g.end when none). */
function nextLive(g: Group, s: number): number {
  while (s < g.end && g.slots[s] === undefined) s++;
  return s;
}

function byPriority(a: Group, b: Group): number {
  return a.priority - b.priority;
}

/**
 * Where a newcomer is first filed: its largest demand, the likeliest blocked; any choice is correct.
 * See docs/design/queue-index.md#filing-each-request-under-one-blocked-type.
 */
function initialFiling(units: readonly number[]): number {
  let dim = 0;
  for (let j = 1; j < units.length; j++) if (units[j]! > units[dim]!) dim = j;
  return dim;
}
