import { PendingList } from '../../lib/pending-list.js';
import { RenewingMap } from '../../lib/renewing-map.js';
import type { HeldAllocation, QueuedRequest } from '../model.js';

/** What the index holds: waiting requests and live allocations. */
export type Entry = QueuedRequest | HeldAllocation;

/** True for an allocation, false for a waiting request (only an allocation has an id). */
export function isAllocation(e: Entry): e is HeldAllocation {
  return 'id' in e;
}

/** Clients whose entries may empty before empty ones are swept (see SourceIndex.delete). */
const SWEEP_AFTER = 1024;

/** Entries a client keeps in plain arrays before they move to a map. */
const LISTED = 8;

/** Every current entry under one msg_id that its client sent more than once. */
class Reused {
  constructor(readonly entries: Entry[]) {}
}

type Slot = Entry | Reused;

/** True when cancel names `e` before `than`: a waiting request before any allocation, then the newer. */
function before(e: Entry, than: Entry): boolean {
  const waits = !isAllocation(e);
  if (waits !== !isAllocation(than)) return waits;
  return isAllocation(e) ? e.serial > (than as HeldAllocation).serial : e.seq > (than as QueuedRequest).seq;
}

/** The entry cancel names in a slot: the newest waiting request under the msg_id, else the newest live allocation. */
function named(slot: Slot): Entry {
  if (!(slot instanceof Reused)) return slot;
  let best = slot.entries[0]!;
  for (let i = 1; i < slot.entries.length; i++) if (before(slot.entries[i]!, best)) best = slot.entries[i]!;
  return best;
}

/**
 * One client's entries by msg_id, in two short reused arrays until past LISTED, then a RenewingMap: a Map
 * emptied on every request rebuilds its table each time. See docs/design/memory-and-gc.md#the-cancel-index.
 */
class ClientEntries {
  private readonly msgIds: number[] = [];
  private readonly entries: Slot[] = [];
  private map: RenewingMap<number, Slot> | undefined;

  get size(): number {
    return this.map === undefined ? this.msgIds.length : this.map.size;
  }

  get(msgId: number): Slot | undefined {
    if (this.map !== undefined) return this.map.get(msgId);
    const i = this.msgIds.indexOf(msgId);
    return i < 0 ? undefined : this.entries[i];
  }

  set(msgId: number, v: Slot): void {
    if (this.map !== undefined) {
      this.map.set(msgId, v);
      return;
    }
    const i = this.msgIds.indexOf(msgId);
    if (i >= 0) {
      this.entries[i] = v;
    } else if (this.msgIds.length < LISTED) {
      this.msgIds.push(msgId);
      this.entries.push(v);
    } else {
      this.map = new RenewingMap();
      for (let j = 0; j < this.msgIds.length; j++) this.map.set(this.msgIds[j]!, this.entries[j]!);
      this.msgIds.length = 0;
      this.entries.length = 0;
      this.map.set(msgId, v);
    }
  }

  /** Every entry, those under a reused msg_id included. */
  all(): Entry[] {
    const slots = this.map === undefined ? this.entries : [...this.map.values()];
    return slots.flatMap((slot) => (slot instanceof Reused ? slot.entries : [slot]));
  }

  delete(msgId: number): void {
    if (this.map !== undefined) {
      this.map.delete(msgId);
      // Emptied: back to the arrays, for a client that now has one request at a time.
      if (this.map.size === 0) this.map = undefined;
      return;
    }
    const i = this.msgIds.indexOf(msgId);
    if (i < 0) return;
    // Order does not matter: the last entry fills the gap.
    const last = this.msgIds.length - 1;
    this.msgIds[i] = this.msgIds[last]!;
    this.entries[i] = this.entries[last]!;
    this.msgIds.pop();
    this.entries.pop();
  }
}

/**
 * Waiting requests and live allocations by client and msg_id, for `cancel`; every entry under a reused
 * msg_id is kept, and `get` names one by `named`, never by filing order.
 */
export class SourceIndex {
  private readonly bySource = new Map<string, ClientEntries>();
  /** Times a client's entries became empty since the last sweep. */
  private emptied = 0;

  /** The entry cancel names for `msgId` from `src` (see `named`). */
  get(src: string, msgId: number): Entry | undefined {
    const slot = this.bySource.get(src)?.get(msgId);
    return slot === undefined ? undefined : named(slot);
  }

  /** Files `v` under `msgId`, beside any entries already there. */
  add(src: string, msgId: number, v: Entry): void {
    let c = this.bySource.get(src);
    if (c === undefined) {
      c = new ClientEntries();
      this.bySource.set(src, c);
    }
    const slot = c.get(msgId);
    if (slot === undefined) c.set(msgId, v);
    else if (slot instanceof Reused) slot.entries.push(v);
    else c.set(msgId, new Reused([slot, v]));
  }

  /** Forgets `v`, filed under `msgId`; the other entries under it stay. */
  delete(src: string, msgId: number, v: Entry): void {
    const c = this.bySource.get(src);
    if (c === undefined) return;
    const slot = c.get(msgId);
    if (slot instanceof Reused) {
      const list = slot.entries;
      const i = list.indexOf(v);
      if (i < 0) return;
      // Order does not matter: `named` chooses by arrival and grant, not by place.
      list[i] = list[list.length - 1]!;
      list.pop();
      if (list.length === 1) c.set(msgId, list[0]!);
      return;
    }
    if (slot !== v) return;
    c.delete(msgId);
    // Empty entries are kept for the client's next request, and swept in O(1) per emptying
    // (docs/design/memory-and-gc.md#the-cancel-index).
    if (c.size === 0 && ++this.emptied > SWEEP_AFTER && 2 * this.emptied > this.bySource.size) this.sweep();
  }

  /** Every entry of client `src`. */
  entriesOf(src: string): Entry[] {
    return this.bySource.get(src)?.all() ?? [];
  }

  /** Clients with entries, empty ones not yet swept included. */
  get clients(): number {
    return this.bySource.size;
  }

  private sweep(): void {
    for (const [src, c] of this.bySource) if (c.size === 0) this.bySource.delete(src);
    this.emptied = 0;
  }
}

/**
 * A SourceIndex filed only when a cancel first needs it, so most entries come and go unfiled; what
 * `get` names depends only on what is current. See docs/design/memory-and-gc.md#filed-when-first-looked-up.
 */
export class LazySourceIndex {
  private readonly index = new SourceIndex();
  private readonly unfiled: PendingList<Entry>;
  private readonly file = (e: Entry): void => {
    e.filedBySource = true;
    this.index.add(e.src, e.msgId, e);
  };
  private count = 0;

  /** @param isCurrent true while a request waits or an allocation is live. */
  constructor(private readonly isCurrent: (e: Entry) => boolean) {
    this.unfiled = new PendingList(isCurrent);
  }

  /** `e` now waits or is live. */
  add(e: Entry): void {
    this.unfiled.add(e, ++this.count);
  }

  /** `e`, added before, no longer waits or is live. */
  remove(e: Entry): void {
    this.count--;
    if (!e.filedBySource) return;
    e.filedBySource = false;
    this.index.delete(e.src, e.msgId, e);
  }

  /** The entry cancel names for `msgId` from `src`: see SourceIndex. */
  get(src: string, msgId: number): Entry | undefined {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    const e = this.index.get(src, msgId);
    return e !== undefined && this.isCurrent(e) ? e : undefined;
  }

  /** Every waiting request and live allocation of client `src`. */
  entriesOf(src: string): Entry[] {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    return this.index.entriesOf(src).filter(this.isCurrent);
  }
}
