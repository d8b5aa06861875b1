import type { QueuedRequest } from '../model.js';
import type { LanesView } from '../tenants/lanes.js';
import type { Tenant } from '../tenants/tenants.js';

/** True while `w`'s tenant's quota holds it back: it waits for its own tenant, not for room. */
export function quotaHeld(w: QueuedRequest): boolean {
  const t = w.account;
  return t !== undefined && t.quota !== undefined && t.wouldPass(w.types, w.units);
}

/** `avail` (units by type) less what `tenant`'s quota does not allow; `avail` itself when it has none. */
export function roomFor(avail: readonly number[], tenant: Tenant): readonly number[] {
  if (tenant.quota === undefined) return avail;
  const room = avail.slice();
  for (let t = 0; t < room.length; t++) {
    const h = tenant.headroom(t);
    if (h < room[t]!) room[t] = h;
  }
  return room;
}

/**
 * The earliest request by priority, then arrival, at priority `from` or below, that fits
 * `avail` and its tenant's quota: the queue's index sees no quotas, so this walks lanes.
 */
export function firstAllowed(lanes: LanesView, avail: readonly number[], from: number): QueuedRequest | undefined {
  for (const p of lanes.prioritiesFrom(from)) {
    let best: QueuedRequest | undefined;
    for (const lane of lanes.lanesAt(p)) {
      // A lane's requests all came after its first: one that came after the best cannot beat it.
      if (best !== undefined && lane.seq > best.seq) continue;
      const w = lane.firstFitting(roomFor(avail, lane.tenant));
      if (w !== undefined && (best === undefined || w.seq < best.seq)) best = w;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

