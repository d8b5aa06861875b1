import { fromUnits } from '../core/ledger/amounts.js';
import type { ResourceManager } from '../core/manager.js';
import { type JsonText, orderedRecord } from '../protocol/reply.js';

/**
 * `{type: {total, free, acquired}}` for every resource type, in declaration order: the
 * resource engine's view of the ledger (total = capacity, acquired = held by allocations).
 * A member type (`--pool`) also says which allocation holds each member (null when free).
 */
export function poolCounts(manager: ResourceManager): JsonText {
  return orderedRecord(
    manager.types.list().map((name, t) => {
      const counts = { total: fromUnits(manager.capacityOf(t)), free: fromUnits(manager.freeOf(t)), acquired: fromUnits(manager.allocatedOf(t)) };
      return [name, manager.isMemberType(t) ? { ...counts, members: orderedRecord(manager.memberHolders(t)) } : counts] as const;
    }),
  );
}
