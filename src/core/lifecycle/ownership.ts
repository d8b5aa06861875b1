import { refuse } from '../errors.js';

/** What a holder may do: to an allocation (release, renew) or a reservation (confirm, abort). */
export type HolderVerb = 'release' | 'renew' | 'confirm' | 'abort';

/** What is held, live or ended: its id and its holder. */
interface Held {
  readonly id: string;
  readonly src: string;
}

/**
 * Who may end or extend an allocation, or confirm or abort a reservation: its holder (the `src`
 * of its allocate or reserve), or an admin. Checked only when a caller says who asks. See
 * docs/protocol.md, "Who may do what".
 */
export class Ownership {
  readonly admins: ReadonlySet<string>;

  constructor(admins: Iterable<string> | undefined) {
    this.admins = new Set(admins);
  }

  /** Refuses (conflict) unless `by` holds live allocation `a` or is an admin; true when `by` is not the holder. */
  checkLive(a: Held, by: string | undefined, verb: HolderVerb): boolean {
    if (by === undefined || by === a.src) return false;
    this.check(a.id, a.src, by, verb, 'is');
    return true;
  }

  /** Refuses (conflict) unless `by` held ended allocation (or reservation) `e` or is an admin. */
  checkEnded(e: Held, by: string | undefined, verb: HolderVerb): void {
    if (by !== undefined && by !== e.src) this.check(e.id, e.src, by, verb, 'was');
  }

  private check(id: string, holder: string, by: string, verb: HolderVerb, tense: 'is' | 'was'): void {
    if (this.admins.has(by)) return;
    const who = this.admins.size > 0 ? 'its holder or an admin' : 'its holder';
    const what = verb === 'confirm' || verb === 'abort' ? 'reservation' : 'allocation';
    throw refuse.conflict(`${what} ${JSON.stringify(id)} ${tense} held by ${JSON.stringify(holder)}: only ${who} may ${verb} it`);
  }
}
