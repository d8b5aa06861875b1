import type { QueuedRequest } from '../model.js';
import type { PendingPreemption } from '../preemption/preemption.js';
import type { ContentionView, Holding } from './view.js';

/**
 * The earliest clock ms at which `w` could be granted whatever the other waiting requests do,
 * or undefined when it never could: a bound that holds beside any replay
 * (docs/contention.md#how-it-is-found). Others only ever take room, so `w` fits no sooner than
 * when enough of what is held now has ended (leases at their deadlines, victims of a preemptor
 * at the latest when its grace ends), counting room held back for preemptors as free; under a
 * quota, its tenant's holdings end the same way. A preemptor is granted once what is held back
 * for it covers it (even above a capacity that shrank), and when its grace ends at the latest.
 */
export function earliestPossible(v: ContentionView, w: QueuedRequest): number | undefined {
  const { ledger } = v;
  const k = w.types.length;
  const pending = v.preemption?.pendingOf(w);
  // Per type of `w`: room as if every preemptor's held-back room were free (may be below 0), and what is held back for `w` itself.
  const room = new Array<number>(k);
  const own = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    const t = w.types[i]!;
    // Only a preemptor can be granted more than the capacity (the room held back for it).
    if (pending === undefined && w.units[i]! > ledger.capacityOf(t)) return undefined;
    room[i] = ledger.capacityOf(t) - ledger.allocatedOf(t);
    if (pending !== undefined) own[i] = pending.withheld[i]!;
  }
  // Room held back for other preemptors counts as free (they may time out); `w`'s own is in `own`.
  for (const p of v.preemption?.pending() ?? []) {
    if (p === pending) continue;
    p.withheld.forEach((units, j) => {
      const i = w.types.indexOf(p.request.types[j]!);
      if (i >= 0) room[i]! += units;
    });
  }
  // A quota holds back only a request that is no preemptor: a preemptor's grant does not look at it.
  const tenant = w.account;
  const quota = pending === undefined ? tenant?.quota : undefined;
  const quotaRoom = new Array<number>(k).fill(Infinity);
  if (quota !== undefined) {
    for (let i = 0; i < k; i++) {
      const q = quota[w.types[i]!];
      if (q === undefined) continue;
      if (w.units[i]! > q) return undefined;
      quotaRoom[i] = q - (tenant!.held[w.types[i]!] ?? 0);
    }
  }
  // When each holding that ends, ends: a lease at its deadline, a victim by its grace at the latest.
  const ends = new Map<Holding, number>();
  const graces = new Map<PendingPreemption, number>();
  v.dues((at, _order, due) => {
    if (due.kind === 'end') ends.set(due.holding, Math.min(at, ends.get(due.holding) ?? Infinity));
    else if (due.kind === 'grace') graces.set(due.pending, at);
  });
  for (const [p, at] of graces) for (const victim of p.victims) ends.set(victim, Math.min(at, ends.get(victim) ?? Infinity));
  const timeline: [at: number, h: Holding][] = [];
  for (const [h, at] of ends) if (h.types.some((t) => w.types.includes(t))) timeline.push([at, h]);
  timeline.sort((a, b) => a[0] - b[0]);
  const fits = (): boolean => {
    for (let i = 0; i < k; i++) if (w.units[i]! > own[i]! + Math.max(0, room[i]!) || w.units[i]! > quotaRoom[i]!) return false;
    return true;
  };
  let found: number | undefined = fits() ? v.now : undefined;
  for (let j = 0; found === undefined && j < timeline.length; j++) {
    const [at, h] = timeline[j]!;
    const mine = pending?.victims.has(h as never) === true;
    for (let x = 0; x < h.types.length; x++) {
      const i = w.types.indexOf(h.types[x]!);
      if (i < 0) continue;
      // A victim's units go to its preemptor; counted as free room too, which only makes the bound earlier.
      room[i]! += h.units[x]!;
      if (mine) own[i]! += h.units[x]!;
      if (h.account === tenant && quotaRoom[i] !== Infinity) quotaRoom[i]! += h.units[x]!;
    }
    if ((j + 1 === timeline.length || timeline[j + 1]![0] !== at) && fits()) found = Math.max(at, v.now);
  }
  const grace = pending === undefined ? undefined : graces.get(pending);
  if (grace !== undefined) return Math.max(v.now, Math.min(found ?? Infinity, grace));
  return found;
}
