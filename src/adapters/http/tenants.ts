import type { ResourceManager } from '../../core/manager.js';
import { OTHER_LABEL } from './counters.js';

/** Tenants shown by name in metrics and the dashboard; the rest are summed as `(other)`. */
export const TENANT_LABELS = 50;

/** A tenant's units by type index, dense. */
export interface TenantUnits {
  readonly name: string;
  readonly held: number[];
  /** Units by type index, or undefined for a type without a quota. */
  readonly quota: (number | undefined)[];
}

/** The first TENANT_LABELS tenants in the order first known, then `(other)` holding the rest; none while no tenant feature is in use. */
export function boundedTenants(manager: ResourceManager): TenantUnits[] {
  const views = manager.tenantViews();
  if (views === undefined) return [];
  const size = manager.types.size;
  const out: TenantUnits[] = [];
  for (let i = 0; i < views.length; i++) {
    const v = views[i]!;
    if (i === TENANT_LABELS) out.push({ name: OTHER_LABEL, held: new Array<number>(size).fill(0), quota: new Array(size).fill(undefined) });
    const row = i < TENANT_LABELS ? { name: v.name, held: new Array<number>(size).fill(0), quota: new Array<number | undefined>(size).fill(undefined) } : out[TENANT_LABELS]!;
    for (const [t, units] of v.held) row.held[t]! += units;
    if (i < TENANT_LABELS) for (const [t, units] of v.quota) row.quota[t] = units;
    if (i < TENANT_LABELS) out.push(row);
  }
  return out;
}
