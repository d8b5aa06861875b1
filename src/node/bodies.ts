import { fromUnits } from '../ledger/amounts.js';
import type { Ledger } from '../ledger/ledger.js';
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

/** `{type: amount}` over every resource type of the ledger, in declaration order. */
export function amountsPerType(ledger: Ledger, units: (t: number) => number): Record<string, number> {
  const out = plainRecord<number>();
  const names = ledger.types.list();
  for (let t = 0; t < names.length; t++) out[names[t]!] = fromUnits(units(t));
  return out;
}
