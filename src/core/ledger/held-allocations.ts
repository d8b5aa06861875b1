import { Backlog } from '../../lib/backlog.js';
import { ChurnMap } from '../../lib/churn-map.js';
import type { Allocation } from '../model.js';

/** Numbers the ledgers of this process, so an allocation names the ledger that holds it. */
let ledgers = 0;

/**
 * The live allocations of one ledger; each carries the ledger's number, so only a lookup by id needs
 * the map, filed when first looked up. See docs/design/memory-and-gc.md#backlog-filed-when-first-looked-up.
 */
export class HeldAllocations {
  readonly token = ++ledgers;
  private readonly byId = new ChurnMap<string, Allocation>();
  private readonly unfiled = new Backlog<Allocation>((a) => a.held === this.token);
  private readonly file = (a: Allocation): void => {
    a.filedById = true;
    this.byId.set(a.id, a);
  };
  private count = 0;

  get size(): number {
    return this.count;
  }

  holds(a: Allocation): boolean {
    return a.held === this.token;
  }

  add(a: Allocation): void {
    a.held = this.token;
    this.unfiled.add(a, ++this.count);
  }

  /** Forgets `a`, which must be held here. */
  delete(a: Allocation): void {
    a.held = 0;
    this.count--;
    // An id given twice by the id source: only the later allocation is filed under it.
    if (a.filedById && this.byId.get(a.id) === a) this.byId.delete(a.id);
  }

  get(id: string): Allocation | undefined {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    return this.byId.get(id);
  }

  /** Every live allocation, in the order added. */
  values(): IterableIterator<Allocation> {
    if (this.unfiled.length > 0) this.unfiled.fileAll(this.file);
    return this.byId.values();
  }
}
