import type { StatusBody } from '../../generated/bodies.js';
import type { ResourceManager } from '../../core/manager.js';
import { type JsonText, orderedRecord } from '../../protocol/reply.js';
import { amountsPerType } from '../bodies.js';
import type { Handler } from '../handler.js';
import { poolCounts } from '../pool-counts.js';

export const status: Handler<StatusBody> = (_body, { manager }) => {
  const names = manager.types;
  return {
    type: 'status_ok',
    fields: {
      capacity: amountsPerType(names, (t) => manager.capacityOf(t)),
      free: amountsPerType(names, (t) => manager.freeOf(t)),
      allocated: amountsPerType(names, (t) => manager.allocatedOf(t)),
      allocations: manager.allocationCount,
      queued: manager.waiting,
      categories: categories(manager),
      pools: poolCounts(manager),
      job_statuses: jobStatuses(manager),
    },
  };
};

function categories(manager: ResourceManager): JsonText {
  return orderedRecord(Array.from(manager.categoryStatus(), ([name, c]) => [name, { limit: c.limit, running: c.running, waiting: c.waiting }] as const));
}

function jobStatuses(manager: ResourceManager): JsonText {
  return orderedRecord(manager.jobStatusCounts());
}
