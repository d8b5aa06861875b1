import { PendingList } from '../../lib/pending-list.js';
import { RenewingMap } from '../../lib/renewing-map.js';
import type { Hold, HeldAllocation, Requester } from '../model.js';

/** Numbers the ledgers of this process, so an allocation names the ledger that holds it. */
let ledgers = 0;

/**
 * The live allocations of one ledger; each carries the ledger's number, so only a lookup by id needs
 * the map, filed when first looked up. See docs/design/memory-and-gc.md#filed-when-first-looked-up.
 */
export class HeldAllocations {
  readonly token = ++ledgers;
  private readonly byId = new RenewingMap<string, HeldAllocation>();
  private readonly unfiled = new PendingList<HeldAllocation>((a) => a.held === this.token);
  private readonly file = (a: HeldAllocation): void => {
    a.filedById = true;
    this.byId.set(a.id, a);
  };
  private count = 0;

  get size(): number {
    return this.count;
  }

  holds(a: HeldAllocation): boolean {
    return a.held === this.token;
  }

  add(a: HeldAllocation): void {
    a.held = this.token;
    this.unfiled.add(a, ++this.count);
  }

  /** Forgets `a`, which must be held here. */
  delete(a: HeldAllocation): void {
    a.held = 0;
    this.count--;
    // An id given twice by the id source: only the later allocation is filed under it.
    if (a.filedById && this.byId.get(a.id) === a) this.byId.delete(a.id);
  }

  get(id: string): HeldAllocation | undefined {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    return this.byId.get(id);
  }

  /** Every live allocation, in the order added. */
  values(): IterableIterator<HeldAllocation> {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    return this.byId.values();
  }
}

/** A new live holding: an allocation, or a reservation when `hold` is given. One literal, so every one has the same shape. */
export function heldAllocation(
  id: string,
  serial: number,
  who: Requester,
  types: readonly number[],
  units: readonly number[],
  members: ReadonlyMap<number, readonly string[]> | undefined,
  tenant: string,
  priority: number,
  hold: Hold | undefined,
): HeldAllocation {
  return { id, serial, src: who.src, msgId: who.msgId, via: who.via, types, units, members, leaseMs: -1, leaseDeadline: -1, tenant, priority, held: 0, filedById: false, filedBySource: false, account: undefined, hold };
}
