import { BoundedMap } from '../../lib/bounded-map.js';
import { SequentialIds } from '../../lib/sequential-ids.js';
import { refuse } from '../errors.js';
import type { HeldAllocation } from '../model.js';

/** How a reservation ended: confirmed, aborted by its holder, aborted by an admin (`revoked`), or expired unconfirmed. */
export type ReservationEnd = 'confirmed' | 'aborted' | 'revoked' | 'expired';

/** A reservation that ended, as remembered so that a repeated confirm or abort gets the same answer. */
export interface EndedReservation {
  readonly id: string;
  /** Its holder: the client whose reserve it answered. */
  readonly src: string;
  readonly types: readonly number[];
  readonly units: readonly number[];
  readonly members: ReadonlyMap<number, readonly string[]> | undefined;
  readonly how: ReservationEnd;
  /** The allocation a confirmed reservation became; undefined otherwise. */
  readonly allocationId: string | undefined;
}

/**
 * Reservations' own bookkeeping (docs/contention.md#reservations): their ids, counted apart from
 * allocations' so that a confirm takes the next allocation id; how many are held; and the ended
 * ones, so that a repeated confirm or abort is answered as the first time and a late one refused.
 * A live reservation is a HeldAllocation with a `hold`, kept by the ledger like any allocation.
 */
export class Reservations {
  private readonly counted: SequentialIds | undefined;
  private serial = 0;
  private readonly ended: BoundedMap<string, EndedReservation>;
  /** Unconfirmed reservations held now. */
  held = 0;
  /** True once a reserve was taken: status counts reservations from then on. */
  used = false;

  /**
   * @param remember how many ended reservations are remembered.
   * @param newId the program's own ids; without it ids are `prefix` and a count.
   */
  constructor(
    remember: number,
    private readonly newId: (() => string) | undefined,
    prefix: string,
  ) {
    this.counted = newId === undefined ? new SequentialIds(prefix) : undefined;
    this.ended = new BoundedMap(remember);
  }

  /** The serial and id of a new reservation, held from now on. */
  start(): readonly [serial: number, id: string] {
    this.held++;
    const serial = ++this.serial;
    return [serial, this.counted !== undefined ? this.counted.idOf(serial) : this.newId!()];
  }

  /** Live reservation `r` ended `how` (as `allocationId` when confirmed); returns it as remembered. */
  end(r: HeldAllocation, how: ReservationEnd, allocationId?: string): EndedReservation {
    this.held--;
    const e: EndedReservation = { id: r.id, src: r.src, types: r.types, units: r.units, members: r.members, how, allocationId };
    this.ended.set(r.id, e);
    return e;
  }

  /** On restore: the count of reservations made so far, and one remembered as ended. */
  restoreSerial(serial: number): void {
    this.serial = serial;
  }

  remember(e: EndedReservation): void {
    this.ended.set(e.id, e);
  }

  /** True when `id` names an ended reservation still remembered. */
  hasEnded(id: string): boolean {
    return this.ended.get(id) !== undefined;
  }

  /** The ended reservation `id`; unknown (with a hint when `allocation`, live or ended, has that id) when it is not remembered. */
  endedOf(id: string, allocation: { readonly id: string } | undefined): EndedReservation {
    const e = this.ended.get(id);
    if (e !== undefined) return e;
    const hint = allocation === undefined ? '' : ' (it is an allocation: release it)';
    throw refuse.unknown(`no reservation ${JSON.stringify(id)}${hint}`);
  }

  /** The answer to a confirm of ended `e`: itself once confirmed, else a refusal. */
  static confirmedAgain(e: EndedReservation): EndedReservation {
    const id = JSON.stringify(e.id);
    if (e.how === 'expired') throw refuse.conflict(`reservation ${id} expired before it was confirmed`);
    if (e.how === 'aborted') throw refuse.conflict(`reservation ${id} was aborted`);
    if (e.how === 'revoked') throw refuse.conflict(`reservation ${id} was aborted by an admin`);
    return e;
  }

  /** The answer to an abort of ended `e`: itself once aborted, else a refusal. */
  static abortedAgain(e: EndedReservation): EndedReservation {
    const id = JSON.stringify(e.id);
    if (e.how === 'expired') throw refuse.conflict(`reservation ${id} already expired`);
    if (e.how === 'confirmed') throw refuse.conflict(`reservation ${id} was confirmed as ${JSON.stringify(e.allocationId)}: release that allocation instead`);
    return e;
  }
}

/** The refusal of a release or renew naming reservation `r` (live or ended): it is no allocation. */
export function notAnAllocation(r: { readonly id: string }): Error {
  return refuse.unknown(`no allocation ${JSON.stringify(r.id)} (it is a reservation: confirm or abort it)`);
}
