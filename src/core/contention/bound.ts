import type { QueuedRequest } from '../model.js';
import type { PendingPreemption } from '../preemption/preemption.js';
import type { ContentionView, Holding } from './view.js';

/**
 * The earliest clock ms at which `w` could be granted whatever the other waiting requests do,
 * or undefined when it never could: a bound that holds beside any replay (docs/contention.md#what-the-estimate-promises).
 * Others only ever take room, so `w` fits no sooner than when enough of what is held now has
 * ended (leases at their deadlines, victims of a preemptor at the latest when its grace ends),
 * counting room held back for preemptors as free; under a quota, its tenant's holdings end the
 * same way. A preemptor is granted when its grace ends, if not before, whatever else holds.
 */
export function earliestPossible(v: ContentionView, w: QueuedRequest): number | undefined {
  const { ledger } = v;
  const k = w.types.length;
  const room = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const t = w.types[i]!;
    if (w.units[i]! > ledger.capacityOf(t)) return graceOf(v, w);
    room[i] = ledger.capacityOf(t) - ledger.allocatedOf(t);
  }
  const tenant = w.account;
  const quota = tenant?.quota;
  // Per type of `w` under a quota: what the quota leaves its tenant (negative: over it).
  const quotaRoom = new Array<number>(k).fill(Infinity);
  if (quota !== undefined) {
    for (let i = 0; i < k; i++) {
      const q = quota[w.types[i]!];
      if (q === undefined) continue;
      if (w.units[i]! > q) return graceOf(v, w);
      quotaRoom[i] = q - (tenant!.held[w.types[i]!] ?? 0);
    }
  }
  for (const p of v.preemption?.pending() ?? []) {
    p.withheld.forEach((units, j) => {
      const i = w.types.indexOf(p.request.types[j]!);
      if (i >= 0) room[i]! += units;
    });
  }
  // When each holding that ends, ends: a lease at its deadline, a victim by its grace at the latest.
  const ends = new Map<Holding, number>();
  const graces = new Map<PendingPreemption, number>();
  let grace: number | undefined;
  v.dues((at, _order, due) => {
    if (due.kind === 'end') ends.set(due.holding, Math.min(at, ends.get(due.holding) ?? Infinity));
    else if (due.kind === 'grace') {
      graces.set(due.pending, at);
      if (due.pending.request === w) grace = at;
    }
  });
  for (const [p, at] of graces) for (const victim of p.victims) ends.set(victim, Math.min(at, ends.get(victim) ?? Infinity));
  const timeline: [at: number, h: Holding][] = [];
  for (const [h, at] of ends) if (h.types.some((t) => w.types.includes(t))) timeline.push([at, h]);
  timeline.sort((a, b) => a[0] - b[0]);
  const fits = (): boolean => {
    for (let i = 0; i < k; i++) if (w.units[i]! > room[i]! || w.units[i]! > quotaRoom[i]!) return false;
    return true;
  };
  let found: number | undefined = fits() ? v.now : undefined;
  for (let j = 0; found === undefined && j < timeline.length; j++) {
    const [at, h] = timeline[j]!;
    for (let x = 0; x < h.types.length; x++) {
      const i = w.types.indexOf(h.types[x]!);
      if (i < 0) continue;
      room[i]! += h.units[x]!;
      if (h.account === tenant && quotaRoom[i] !== Infinity) quotaRoom[i]! += h.units[x]!;
    }
    if ((j + 1 === timeline.length || timeline[j + 1]![0] !== at) && fits()) found = Math.max(at, v.now);
  }
  if (grace !== undefined) return Math.max(v.now, Math.min(found ?? Infinity, grace));
  return found;
}

/** When preemptor `w`'s grace ends (it is granted then whatever else holds), or undefined for any other request. */
function graceOf(v: ContentionView, w: QueuedRequest): number | undefined {
  let grace: number | undefined;
  v.dues((at, _order, due) => {
    if (due.kind === 'grace' && due.pending.request === w) grace = Math.max(at, v.now);
  });
  return grace;
}
