import { refuse } from '../errors.js';
import type { EndedAllocation } from '../ledger/ledger.js';
import type { Allocation } from '../model.js';

/**
 * Who may end or extend an allocation: its holder (the `src` of its allocate), or an
 * admin. Checked only when a caller says who asks. See docs/protocol.md, "Who may do what".
 */
export class Ownership {
  readonly admins: ReadonlySet<string>;

  constructor(admins: Iterable<string> | undefined) {
    this.admins = new Set(admins);
  }

  /** Refuses (conflict) unless `by` holds live allocation `a` or is an admin; true when `by` is not the holder. */
  checkLive(a: Allocation, by: string | undefined, verb: 'release' | 'renew'): boolean {
    if (by === undefined || by === a.src) return false;
    this.check(a.id, a.src, by, verb, 'is');
    return true;
  }

  /** Refuses (conflict) unless `by` held ended allocation `e` or is an admin. */
  checkEnded(e: EndedAllocation, by: string | undefined, verb: 'release' | 'renew'): void {
    if (by !== undefined && by !== e.src) this.check(e.id, e.src, by, verb, 'was');
  }

  private check(id: string, holder: string, by: string, verb: 'release' | 'renew', tense: 'is' | 'was'): void {
    if (this.admins.has(by)) return;
    const who = this.admins.size > 0 ? 'its holder or an admin' : 'its holder';
    throw refuse.conflict(`allocation ${JSON.stringify(id)} ${tense} held by ${JSON.stringify(holder)}: only ${who} may ${verb} it`);
  }
}
