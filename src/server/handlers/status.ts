import type { StatusBody } from '../../generated/bodies.js';
import type { ResourceManager } from '../../core/manager.js';
import { type JsonText, orderedRecord } from '../../protocol/reply.js';
import { amountsPerType, tenantFields } from '../bodies.js';
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
      // Absent until a reserve is taken, as tenants are.
      reservations: manager.reservationCount,
      queued: manager.waiting,
      categories: categories(manager),
      pools: poolCounts(manager),
      job_statuses: jobStatuses(manager),
      // Absent until a tenant feature is used: a node without one answers as before.
      tenants: tenants(manager),
    },
  };
};

function categories(manager: ResourceManager): JsonText {
  return orderedRecord(Array.from(manager.categoryStatus(), ([name, c]) => [name, { limit: c.limit, running: c.running, waiting: c.waiting }] as const));
}

function jobStatuses(manager: ResourceManager): JsonText {
  return orderedRecord(manager.jobStatusCounts());
}

function tenants(manager: ResourceManager): JsonText | undefined {
  const views = manager.tenantViews();
  if (views === undefined) return undefined;
  return orderedRecord(views.map((v) => [v.name, tenantFields(manager.types, v)] as const));
}
