import type { ResourceManager } from '../ledger/manager.js';
import { plainRecord } from '../ledger/resource-types.js';

/**
 * For `status_ok.pools`: per member type (declaration order), which allocation holds each
 * member, e.g. `{"robot": {"r1": "alloc-1", "r2": null}}`. Empty without `--pool`.
 */
export function memberHolders(manager: ResourceManager): Record<string, Record<string, string | null>> {
  const out = plainRecord<Record<string, string | null>>();
  const names = manager.ledger.types;
  for (const t of manager.pools.memberTypes()) out[names.name(t)] = manager.pools.holders(t);
  return out;
}
