import { fromUnits } from '../ledger/amounts.js';
import type { ResourceTypes } from '../ledger/resource-types.js';
import { plainRecord } from '../ledger/resource-types.js';
import type { Allocation } from '../ledger/types.js';

/** `{type: amount}` for parallel type indices and units, in the given order. */
export function amountsByName(names: ResourceTypes, types: readonly number[], units: readonly number[]): Record<string, number> {
  const out = plainRecord<number>();
  for (let i = 0; i < types.length; i++) out[names.name(types[i]!)] = fromUnits(units[i]!);
  return out;
}

/** The fields of `allocated` after `in_reply_to`: the same for an immediate and a later grant. */
export function allocatedFields(names: ResourceTypes, a: Allocation): object {
  const resources = amountsByName(names, a.types, a.units);
  if (a.members === undefined) return { allocation_id: a.id, resources };
  const members = plainRecord<readonly string[]>();
  for (const [t, list] of a.members) members[names.name(t)] = list;
  return { allocation_id: a.id, resources, members };
}
