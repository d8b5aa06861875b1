import { fromUnits } from '../ledger/amounts.js';
import type { ResourceManager } from '../ledger/manager.js';
import { plainRecord } from '../ledger/resource-types.js';

/** One pool's entry in `status_ok.pools`, as wire amounts. */
export interface PoolCounts {
  total: number;
  free: number;
  acquired: number;
  /** For member types only: which allocation holds each member (null when free). */
  members?: Record<string, string | null>;
}

/**
 * `{type: {total, free, acquired}}` for every resource type, in declaration order: the
 * resource engine's view of the ledger (total = capacity, acquired = held by allocations).
 * A member type (`--pool`) also says which allocation holds each member.
 */
export function poolCounts(manager: ResourceManager): Record<string, PoolCounts> {
  const { ledger, pools } = manager;
  const out = plainRecord<PoolCounts>();
  const names = ledger.types.list();
  for (let t = 0; t < names.length; t++) {
    const counts: PoolCounts = { total: fromUnits(ledger.capacityOf(t)), free: fromUnits(ledger.freeOf(t)), acquired: fromUnits(ledger.allocatedOf(t)) };
    if (pools.isMemberType(t)) counts.members = pools.holders(t);
    out[names[t]!] = counts;
  }
  return out;
}

/**
 * Per member type (declaration order), which allocation holds each member, e.g.
 * `{"robot": {"r1": "alloc-1", "r2": null}}`. Empty without `--pool`.
 */
export function memberHolders(manager: ResourceManager): Record<string, Record<string, string | null>> {
  const out = plainRecord<Record<string, string | null>>();
  const names = manager.ledger.types;
  for (const t of manager.pools.memberTypes()) out[names.name(t)] = manager.pools.holders(t);
  return out;
}
