import type { StatusBody } from '../../generated/bodies.js';
import type { ResourceManager } from '../../core/manager.js';
import { type JsonText, orderedRecord } from '../../protocol/reply.js';
import { amountsPerType } from '../bodies.js';
import type { Handler } from '../handler.js';
import { poolCounts } from '../pool-counts.js';

export const status: Handler<StatusBody> = (_body, { manager }) => {
  const ledger = manager.ledger;
  return {
    type: 'status_ok',
    fields: {
      capacity: amountsPerType(ledger, (t) => ledger.capacityOf(t)),
      free: amountsPerType(ledger, (t) => ledger.freeOf(t)),
      allocated: amountsPerType(ledger, (t) => ledger.allocatedOf(t)),
      allocations: ledger.allocationCount,
      queued: manager.waiting,
      categories: categories(manager),
      pools: poolCounts(manager),
      job_statuses: jobStatuses(manager),
    },
  };
};

function categories(manager: ResourceManager): JsonText {
  return orderedRecord(Array.from(manager.categories.status(), ([name, c]) => [name, { limit: c.limit, running: c.running, waiting: c.waiting }] as const));
}

function jobStatuses(manager: ResourceManager): JsonText {
  return orderedRecord(manager.jobStatusCounts());
}
