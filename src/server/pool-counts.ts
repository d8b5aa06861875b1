import { fromUnits } from '../core/ledger/amounts.js';
import type { ResourceManager } from '../core/manager.js';
import { type JsonText, orderedRecord } from '../protocol/reply.js';

/**
 * `{type: {total, free, acquired}}` for every resource type, in declaration order: the
 * resource engine's view of the ledger (total = capacity, acquired = held by allocations).
 * A member type (`--pool`) also says which allocation holds each member (null when free).
 */
export function poolCounts(manager: ResourceManager): JsonText {
  const { ledger, pools } = manager;
  const names = ledger.types.list();
  return orderedRecord(
    names.map((name, t) => {
      const counts = { total: fromUnits(ledger.capacityOf(t)), free: fromUnits(ledger.freeOf(t)), acquired: fromUnits(ledger.allocatedOf(t)) };
      return [name, pools.isMemberType(t) ? { ...counts, members: orderedRecord(pools.holders(t)) } : counts] as const;
    }),
  );
}
