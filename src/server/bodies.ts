import type { ExplainReason } from '../core/contention/index.js';
import { fromUnits } from '../core/ledger/amounts.js';
import type { EndedReservation, ResourceManager } from '../core/manager.js';
import type { WaitReason } from '../core/policy/index.js';
import type { Allocation, Reservation } from '../core/model.js';
import type { TenantView } from '../core/tenants/tenants.js';
import { BoundedMap } from '../lib/bounded-map.js';
import { JsonText, numberText, orderedRecord } from '../protocol/reply.js';

/** Resource type names by index, as the manager shows them. */
export type TypeNames = ResourceManager['types'];

/** The wire `reason` of a `queued` reply, by why the core says the request waits. */
export const WAIT_REASON_TEXT: Readonly<Record<WaitReason, string>> = {
  resources: 'Insufficient resources',
  order: 'Waiting behind earlier requests',
  quota: 'Tenant quota',
  preempting: 'Preempting',
};

/** The wire `reason` of an `explanation` (and the keys of `contention_ok.by_reason`), by the core's reason. */
export const EXPLAIN_REASON_TEXT: Readonly<Record<ExplainReason, string>> = {
  infeasible: 'Infeasible',
  quota: 'Quota',
  preempting: 'Preempting',
  resources: 'Resources',
  reservation: 'Reservation',
  priority: 'Priority',
};

/** `{type: amount}` for parallel type indices and units, in the given order, as JSON text. */
export function amountsByName(names: TypeNames, types: readonly number[], units: readonly number[]): JsonText {
  // Written directly: a name-keyed object would need a null prototype (for names such as
  // `__proto__`), which V8 keeps in slow dictionary mode, and would then be stringified.
  // Object keys made of digits would also come out first, whatever their order.
  let text = '{';
  for (let i = 0; i < types.length; i++) text += `${i === 0 ? '' : ','}${names.jsonKey(types[i]!)}${amountText(units[i]!)}`;
  return new JsonText(`${text}}`);
}

const amountTexts = new BoundedMap<number, string>(1024);

/** The wire text of an amount in units; clients ask for few distinct amounts, so they are kept. */
function amountText(units: number): string {
  // Kept rather than made on each reply: a fresh text per amount is garbage on every
  // message, and V8's own number cache would keep them until promoted.
  return amountTexts.get(units) ?? amountTexts.keep(units, numberText(fromUnits(units)));
}

const heldTexts = new BoundedMap<readonly number[], JsonText>(4096);

/**
 * `{type: amount}` of what an allocation holds, as JSON text, kept by its units array (one per shape,
 * never changed). See docs/design/encoding.md#name-keyed-records-as-json-text.
 */
export function heldAmounts(names: TypeNames, types: readonly number[], units: readonly number[]): JsonText {
  return heldTexts.get(units) ?? heldTexts.keep(units, amountsByName(names, types, units));
}

/** The fields of `allocated` after `in_reply_to`: the same for an immediate and a later grant. */
export function allocatedFields(names: TypeNames, a: Allocation): object {
  const resources = heldAmounts(names, a.types, a.units);
  if (a.members === undefined) return { allocation_id: a.id, resources };
  return { allocation_id: a.id, resources, members: membersText(names, a.members) };
}

/** `{type: members}` of member types held, as JSON text. */
function membersText(names: TypeNames, members: ReadonlyMap<number, readonly string[]>): JsonText {
  return orderedRecord(Array.from(members, ([t, list]) => [names.name(t), list] as const));
}

/** The fields of `reserved` after `in_reply_to`: the same for a reservation made at once and one made later. */
export function reservedFields(names: TypeNames, r: Reservation, expiresInMs: number): object {
  const resources = heldAmounts(names, r.types, r.units);
  if (r.members === undefined) return { reservation_id: r.id, resources, expires_in_ms: expiresInMs };
  return { reservation_id: r.id, resources, expires_in_ms: expiresInMs, members: membersText(names, r.members) };
}

/** The fields of `confirmed` after `in_reply_to`. */
export function confirmedFields(names: TypeNames, e: EndedReservation): object {
  const resources = heldAmounts(names, e.types, e.units);
  if (e.members === undefined) return { reservation_id: e.id, allocation_id: e.allocationId, resources };
  return { reservation_id: e.id, allocation_id: e.allocationId, resources, members: membersText(names, e.members) };
}

/** `{type: amount}` over every resource type, in declaration order, as JSON text. */
export function amountsPerType(names: TypeNames, units: (t: number) => number): JsonText {
  const all = new Array<number>(names.size);
  const values = new Array<number>(all.length);
  for (let t = 0; t < all.length; t++) {
    all[t] = t;
    values[t] = units(t);
  }
  return amountsByName(names, all, values);
}

/** `{type: amount}` for `[type, units]` pairs, in the given order, as JSON text. */
export function amountPairs(names: TypeNames, pairs: readonly (readonly [type: number, units: number])[]): JsonText {
  return amountsByName(
    names,
    pairs.map(([t]) => t),
    pairs.map(([, units]) => units),
  );
}

/** A tenant's dominant share on the wire: rounded to 6 decimals, so status stays short and stable. */
export function shareNumber(share: number): number {
  return Math.round(share * 1e6) / 1e6;
}

/** A tenant as status lists it: `{weight, quota, held, dominant_share, queued}`. */
export function tenantFields(names: TypeNames, v: TenantView): object {
  return { weight: v.weight, quota: amountPairs(names, v.quota), held: amountPairs(names, v.held), dominant_share: shareNumber(v.dominantShare), queued: v.queued };
}
