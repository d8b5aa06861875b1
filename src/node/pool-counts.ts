import { fromUnits } from '../ledger/amounts.js';
import type { ResourceManager } from '../ledger/manager.js';
import { plainRecord } from '../ledger/resource-types.js';

/** One pool's counts in `status_ok.pools`, as wire amounts. */
export interface PoolCounts {
  total: number;
  free: number;
  acquired: number;
}

/**
 * `{type: {total, free, acquired}}` for every resource type, in declaration order: the
 * resource engine's view of the ledger (total = capacity, acquired = held by allocations).
 */
export function poolCounts(manager: ResourceManager): Record<string, PoolCounts> {
  const ledger = manager.ledger;
  const out = plainRecord<PoolCounts>();
  const names = ledger.types.list();
  for (let t = 0; t < names.length; t++) {
    out[names[t]!] = { total: fromUnits(ledger.capacityOf(t)), free: fromUnits(ledger.freeOf(t)), acquired: fromUnits(ledger.allocatedOf(t)) };
  }
  return out;
}
