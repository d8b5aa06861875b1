import type { StatusBody } from '../../generated/bodies.js';
import type { CategoryStatus } from '../../ledger/categories.js';
import type { ResourceManager } from '../../ledger/manager.js';
import { plainRecord } from '../../ledger/resource-types.js';
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

function categories(manager: ResourceManager): Record<string, CategoryStatus> {
  const out = plainRecord<CategoryStatus>();
  for (const [name, c] of manager.categories.status()) out[name] = { limit: c.limit, running: c.running, waiting: c.waiting };
  return out;
}

function jobStatuses(manager: ResourceManager): Record<string, number> {
  const out = plainRecord<number>();
  for (const [s, n] of manager.jobStatusCounts()) out[s] = n;
  return out;
}
