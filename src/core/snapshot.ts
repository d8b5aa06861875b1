import { Categories, type CategoryRecord } from './jobs/categories.js';
import type { CoreEvent } from './events.js';
import { fromUnits } from './ledger/amounts.js';
import type { EndedAllocation } from './ledger/ledger.js';
import { RequestKeys } from './lifecycle/request-keys.js';
import type { EndedReservation, ReservationEnd } from './lifecycle/reservations.js';
import { ResourceManager, type LoadedState, type ManagerOptions } from './manager.js';
import type { Allocation, Hold, RequestOptions, WaitingRequest } from './model.js';

/**
 * The durable state of a manager as plain data (docs/durability.md): the record of each change
 * (`toRecord`), their fold into a `State` (`fold`), and a manager rebuilt from one (`restore`).
 * Types are named, not numbered, so a record means the same to any manager. No I/O here.
 */

/** The version of `State` and of the records; a store refuses any other. */
export const STATE_VERSION = 1;

/** A live allocation or reservation, or one a request_id remembers. */
export interface HoldingRecord {
  readonly id: string;
  readonly serial: number;
  readonly src: string;
  readonly msgId: number;
  readonly via: string;
  readonly types: readonly string[];
  readonly units: readonly number[];
  readonly members?: readonly (readonly [string, readonly string[]])[];
  /** Left out when it is `src`. */
  readonly tenant?: string;
  /** Left out when 0. */
  readonly priority?: number;
  /** Both left out when it has no lease. */
  leaseMs?: number;
  leaseDeadline?: number;
  readonly hold?: Hold;
}

export interface WaitingRecord {
  readonly seq: number;
  readonly src: string;
  readonly msgId: number;
  readonly via: string;
  readonly types: readonly string[];
  readonly units: readonly number[];
  readonly options?: RequestOptions;
  /** Left out when it has no timeout. */
  readonly deadline?: number;
  readonly queuedAt: number;
  /** Left out when it is `src`. */
  readonly tenant?: string;
}

export type KeyRecord =
  | { readonly kind: 'waiting'; readonly seq: number }
  | { readonly kind: 'granted'; readonly allocation: HoldingRecord }
  | { readonly kind: 'timed_out' | 'cancelled'; readonly request: WaitingRecord };

export interface EndedRecord {
  readonly src: string;
  readonly via: string;
  readonly types: readonly string[];
  readonly units: readonly number[];
  readonly how: EndedAllocation['how'];
  by?: string;
}

export interface EndedReservationRecord {
  readonly src: string;
  readonly types: readonly string[];
  readonly units: readonly number[];
  readonly members?: readonly (readonly [string, readonly string[]])[];
  readonly how: ReservationEnd;
  readonly allocationId?: string;
}

/** One change of state, as recorded: a CoreEvent with names for type indices and only what a restore needs. */
export type StateRecord =
  | { readonly k: 'hold'; readonly a: HoldingRecord; readonly seq?: number; readonly key?: string }
  | { readonly k: 'wait'; readonly w: WaitingRecord; readonly key?: string }
  | { readonly k: 'end'; readonly id: string; readonly how: EndedAllocation['how']; readonly status?: string; readonly by?: string }
  | { readonly k: 'unwait'; readonly seq: number; readonly how: 'timed_out' | 'cancelled' }
  | { readonly k: 'renew'; readonly id: string; readonly ms: number; readonly at: number }
  | { readonly k: 'capacity'; readonly c: readonly (readonly [string, number])[] }
  | { readonly k: 'submit'; readonly cat: string; readonly limit: number; readonly jobs: number; readonly src: string; readonly via: string }
  | { readonly k: 'complete'; readonly cat: string; readonly job: string }
  | { readonly k: 'tenant'; readonly name: string; readonly weight: number; readonly quota: readonly (readonly [string, number])[] }
  | { readonly k: 'resend'; readonly id: string; readonly how: ReservationEnd; readonly to?: HoldingRecord };

/** Everything a manager knows that a restart must keep, as plain data. */
export interface State {
  version: number;
  /** Units per type, in type order (types are never forgotten). */
  capacity: [string, number][];
  grants: number;
  seq: number;
  reservationSerial: number;
  reservationsUsed: boolean;
  tenantsActive: boolean;
  tenants: Map<string, { weight: number; quota: readonly (readonly [string, number])[] }>;
  /** Tenants that hold or wait, in the order first known, with how many holdings and requests each has. */
  tenantUse: Map<string, number>;
  /** Live allocations and reservations, in the order granted. */
  holdings: Map<string, HoldingRecord>;
  waiting: Map<number, WaitingRecord>;
  /** Ended allocations, oldest first, at most `remember`. */
  ended: Map<string, EndedRecord>;
  endedReservations: Map<string, EndedReservationRecord>;
  /** request_id outcomes (key as RequestKeys makes it); settled ones at most `remember`. */
  keys: Map<string, KeyRecord>;
  jobStatuses: Map<string, number>;
  categories: Categories;
}

export function emptyState(capacity: readonly (readonly [string, number])[]): State {
  return {
    version: STATE_VERSION,
    capacity: capacity.map(([n, u]) => [n, u]),
    grants: 0,
    seq: 0,
    reservationSerial: 0,
    reservationsUsed: false,
    tenantsActive: false,
    tenants: new Map(),
    tenantUse: new Map(),
    holdings: new Map(),
    waiting: new Map(),
    ended: new Map(),
    endedReservations: new Map(),
    keys: new Map(),
    jobStatuses: new Map(),
    categories: new Categories(Infinity, Infinity),
  };
}

type Names = (t: number) => string;

// Fields at their usual value are left out: records are read back at every start.
function holdingRecord(a: Allocation & { readonly hold?: Hold | undefined }, name: Names): HoldingRecord {
  const r: { -readonly [K in keyof HoldingRecord]: HoldingRecord[K] } = { id: a.id, serial: a.serial, src: a.src, msgId: a.msgId, via: a.via, types: a.types.map(name), units: a.units };
  if (a.tenant !== a.src) r.tenant = a.tenant;
  if (a.priority !== 0) r.priority = a.priority;
  if (a.leaseDeadline >= 0) {
    r.leaseMs = a.leaseMs;
    r.leaseDeadline = a.leaseDeadline;
  }
  if (a.members !== undefined) r.members = [...a.members].map(([t, m]) => [name(t), m] as const);
  if (a.hold !== undefined) r.hold = { ms: a.hold.ms, deadline: a.hold.deadline };
  return r;
}

function waitingRecord(w: WaitingRequest, name: Names): WaitingRecord {
  const r: { -readonly [K in keyof WaitingRecord]: WaitingRecord[K] } = { seq: w.seq, src: w.src, msgId: w.msgId, via: w.via, types: w.types.map(name), units: w.units, queuedAt: w.queuedAt };
  if (w.deadline >= 0) r.deadline = w.deadline;
  if (w.tenant !== w.src) r.tenant = w.tenant;
  if (w.options !== undefined) r.options = w.options;
  return r;
}

function keyOf(src: string, requestId: string | undefined): string | undefined {
  return requestId === undefined ? undefined : RequestKeys.of(src, requestId);
}

/** The record of `event`, or undefined for one that changes nothing a restore keeps. `name` names type indices. */
export function toRecord(event: CoreEvent, name: Names): StateRecord | undefined {
  switch (event.kind) {
    case 'granted':
    case 'reserved': {
      const a = event.kind === 'granted' ? event.allocation : event.reservation;
      const key = keyOf(a.src, event.requestId ?? event.request?.options?.requestId);
      const r = { k: 'hold', a: holdingRecord(a, name) } as const;
      const withSeq = event.request === undefined ? r : { ...r, seq: event.request.seq };
      return key === undefined ? withSeq : { ...withSeq, key };
    }
    case 'queued': {
      const key = keyOf(event.request.src, event.request.options?.requestId);
      const r = { k: 'wait', w: waitingRecord(event.request, name) } as const;
      return key === undefined ? r : { ...r, key };
    }
    case 'released': {
      const how = event.revoked ? 'revoked' : 'released';
      return event.jobStatus === undefined ? { k: 'end', id: event.allocation.id, how } : { k: 'end', id: event.allocation.id, how, status: event.jobStatus };
    }
    case 'lease_expired':
      return { k: 'end', id: event.allocation.id, how: 'expired' };
    case 'preempted':
      return { k: 'end', id: event.allocation.id, how: 'preempted', status: 'preempted', by: event.by };
    case 'renewed':
      return { k: 'renew', id: event.allocation.id, ms: event.allocation.leaseMs, at: event.allocation.leaseDeadline };
    case 'cancelled':
    case 'timed_out':
      return { k: 'unwait', seq: event.request.seq, how: event.kind };
    case 'capacity_set':
      return { k: 'capacity', c: event.capacity.map(([t, u]) => [name(t), u] as const) };
    case 'jobs_submitted':
      return { k: 'submit', cat: event.category, limit: event.limit, jobs: event.jobs, src: event.src, via: event.via ?? '' };
    case 'job_completed':
      return { k: 'complete', cat: event.category, job: event.jobId };
    case 'tenant_set':
      return { k: 'tenant', name: event.view.name, weight: event.view.weight, quota: event.view.quota.map(([t, u]) => [name(t), fromUnits(u)] as const) };
    case 'confirmed':
      return { k: 'resend', id: event.reservation.id, how: 'confirmed', to: holdingRecord(event.allocation, name) };
    case 'aborted':
      return { k: 'resend', id: event.reservation.id, how: event.revoked ? 'revoked' : 'aborted' };
    case 'reservation_expired':
      return { k: 'resend', id: event.reservation.id, how: 'expired' };
    // Jobs started follow from submits and completions; a preemption's grace is not kept (docs/durability.md).
    case 'job_started':
    case 'preempt_notice':
      return undefined;
  }
}

/** Sets `key` in a map kept to at most `limit` entries, forgetting the oldest first. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) map.delete(map.keys().next().value as K);
}

/** Counts a holding or waiting request of `tenant` in or out; an unconfigured tenant using nothing is forgotten, as the manager forgets it. */
function use(s: State, tenant: string, by: number): void {
  const n = (s.tenantUse.get(tenant) ?? 0) + by;
  if (n > 0 || s.tenants.has(tenant)) s.tenantUse.set(tenant, n);
  else s.tenantUse.delete(tenant);
}

/** Applies one record to `s`. `remember` bounds the memory of ended things as the manager's option does. */
export function fold(s: State, r: StateRecord, limit: number): void {
  switch (r.k) {
    case 'hold': {
      const a = r.a;
      s.holdings.set(a.id, a);
      if (r.seq !== undefined) s.waiting.delete(r.seq);
      else use(s, a.tenant ?? a.src, 1);
      if (a.hold !== undefined) {
        s.reservationSerial = Math.max(s.reservationSerial, a.serial);
        s.reservationsUsed = true;
      } else s.grants = Math.max(s.grants, a.serial);
      if (a.tenant !== undefined) s.tenantsActive = true;
      if (r.key !== undefined) settle(s, r.key, { kind: 'granted', allocation: a }, limit);
      return;
    }
    case 'wait':
      s.waiting.set(r.w.seq, r.w);
      use(s, r.w.tenant ?? r.w.src, 1);
      s.seq = Math.max(s.seq, r.w.seq);
      if (r.w.options?.holdMs !== undefined) s.reservationsUsed = true;
      if (r.w.options?.tenant !== undefined) s.tenantsActive = true;
      if (r.key !== undefined) s.keys.set(r.key, { kind: 'waiting', seq: r.w.seq });
      return;
    case 'end': {
      const a = s.holdings.get(r.id);
      if (a === undefined) throw new Error(`record ends allocation ${JSON.stringify(r.id)}, which is not live`);
      s.holdings.delete(r.id);
      use(s, a.tenant ?? a.src, -1);
      const e: EndedRecord = { src: a.src, via: a.via, types: a.types, units: a.units, how: r.how };
      if (r.by !== undefined) e.by = r.by;
      remember(s.ended, r.id, e, limit);
      if (r.status !== undefined) s.jobStatuses.set(r.status, (s.jobStatuses.get(r.status) ?? 0) + 1);
      return;
    }
    case 'unwait': {
      const w = s.waiting.get(r.seq);
      if (w === undefined) throw new Error(`record withdraws request ${r.seq}, which is not waiting`);
      s.waiting.delete(r.seq);
      use(s, w.tenant ?? w.src, -1);
      const key = keyOf(w.src, w.options?.requestId);
      if (key !== undefined) settle(s, key, { kind: r.how, request: w }, limit);
      return;
    }
    case 'renew': {
      const a = s.holdings.get(r.id);
      if (a === undefined) throw new Error(`record renews allocation ${JSON.stringify(r.id)}, which is not live`);
      a.leaseMs = r.ms;
      a.leaseDeadline = r.at;
      return;
    }
    case 'capacity':
      for (const [name, units] of r.c) {
        const entry = s.capacity.find((c) => c[0] === name);
        if (entry !== undefined) entry[1] = units;
        else s.capacity.push([name, units]);
      }
      return;
    case 'submit':
      s.categories.submit(r.cat, r.limit, r.jobs, { src: r.src, via: r.via });
      return;
    case 'complete':
      s.categories.complete(r.cat, r.job);
      return;
    case 'tenant':
      s.tenants.set(r.name, { weight: r.weight, quota: r.quota });
      use(s, r.name, 0);
      s.tenantsActive = true;
      return;
    case 'resend': {
      const a = s.holdings.get(r.id);
      if (a === undefined) throw new Error(`record ends reservation ${JSON.stringify(r.id)}, which is not live`);
      s.holdings.delete(r.id);
      if (r.to === undefined) use(s, a.tenant ?? a.src, -1);
      const e: EndedReservationRecord = { src: a.src, types: a.types, units: a.units, how: r.how };
      remember(s.endedReservations, r.id, { ...e, ...(a.members === undefined ? {} : { members: a.members }), ...(r.to === undefined ? {} : { allocationId: r.to.id }) }, limit);
      if (r.to !== undefined) {
        s.holdings.set(r.to.id, r.to);
        s.grants = Math.max(s.grants, r.to.serial);
      }
      return;
    }
  }
}

function settle(s: State, key: string, outcome: KeyRecord, limit: number): void {
  s.keys.delete(key);
  // Waiting keys are never forgotten; settled ones beyond the limit are, oldest first.
  s.keys.set(key, outcome);
  if (s.keys.size > limit + s.waiting.size) {
    for (const [k, v] of s.keys) {
      if (v.kind !== 'waiting') {
        s.keys.delete(k);
        break;
      }
    }
  }
}

// ---- to and from plain JSON -------------------------------------------------------------

/** `s` as JSON-able data (maps as lists of entries, in order). */
export function stateToJson(s: State): unknown {
  return {
    version: s.version,
    capacity: s.capacity,
    grants: s.grants,
    seq: s.seq,
    reservationSerial: s.reservationSerial,
    reservationsUsed: s.reservationsUsed,
    tenantsActive: s.tenantsActive,
    tenants: [...s.tenants],
    tenantUse: [...s.tenantUse],
    holdings: [...s.holdings.values()],
    waiting: [...s.waiting.values()],
    ended: [...s.ended],
    endedReservations: [...s.endedReservations],
    keys: [...s.keys],
    jobStatuses: [...s.jobStatuses],
    categories: s.categories.save(),
  };
}

/** The State of data made by `stateToJson`; throws naming what is wrong. */
export function stateFromJson(data: unknown): State {
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) throw new Error('state is not an object');
  if (d.version !== STATE_VERSION) throw new Error(`state has version ${JSON.stringify(d.version)}, this node reads version ${STATE_VERSION}`);
  const list = <T>(field: string): T[] => {
    const v = d[field];
    if (!Array.isArray(v)) throw new Error(`state field ${field} is not a list`);
    return v as T[];
  };
  const categories = new Categories(Infinity, Infinity);
  categories.load(list<CategoryRecord>('categories'));
  return {
    version: STATE_VERSION,
    capacity: list<[string, number]>('capacity'),
    grants: Number(d.grants),
    seq: Number(d.seq),
    reservationSerial: Number(d.reservationSerial),
    reservationsUsed: d.reservationsUsed === true,
    tenantsActive: d.tenantsActive === true,
    tenants: new Map(list('tenants')),
    tenantUse: new Map(list('tenantUse')),
    holdings: new Map(list<HoldingRecord>('holdings').map((a) => [a.id, a])),
    waiting: new Map(list<WaitingRecord>('waiting').map((w) => [w.seq, w])),
    ended: new Map(list('ended')),
    endedReservations: new Map(list('endedReservations')),
    keys: new Map(list('keys')),
    jobStatuses: new Map(list('jobStatuses')),
    categories,
  };
}

// ---- restore ----------------------------------------------------------------------------

/**
 * A manager holding state `s`, made with `options` (capacity, clock, ids, policy...) except
 * that the recorded capacity replaces the given one. Deadlines already past fire at its first `advance`.
 */
export function restore(s: State, options: ManagerOptions): ResourceManager {
  const m = new ResourceManager({ ...options, capacity: s.capacity.map(([n, u]) => [n, fromUnits(u)] as const) });
  const index = (name: string): number => {
    const t = m.types.indexOf(name);
    if (t < 0) throw new Error(`state names resource type ${JSON.stringify(name)}, which it gives no capacity`);
    return t;
  };
  // Most records share a few type lists: one array each.
  const lists = new Map<string, number[]>();
  const types = (names: readonly string[]): number[] => {
    const key = names.length === 1 ? names[0]! : names.join('\u0000');
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = names.map(index)));
    return list;
  };
  const members = (list: HoldingRecord['members']): Map<number, readonly string[]> | undefined => (list === undefined ? undefined : new Map(list.map(([t, names]) => [index(t), names])));
  const holding = (h: HoldingRecord): LoadedState['holdings'][number] => ({
    id: h.id,
    serial: h.serial,
    src: h.src,
    msgId: h.msgId,
    via: h.via,
    types: types(h.types),
    units: h.units,
    members: members(h.members),
    leaseMs: h.leaseMs ?? -1,
    leaseDeadline: h.leaseDeadline ?? -1,
    tenant: h.tenant ?? h.src,
    priority: h.priority ?? 0,
    hold: h.hold,
  });
  const waiting = (w: WaitingRecord): WaitingRequest => ({
    src: w.src,
    msgId: w.msgId,
    via: w.via,
    seq: w.seq,
    types: types(w.types),
    units: w.units,
    options: w.options,
    deadline: w.deadline ?? -1,
    queuedAt: w.queuedAt,
    tenant: w.tenant ?? w.src,
  });
  const loaded: LoadedState = {
    grants: s.grants,
    seq: s.seq,
    reservationSerial: s.reservationSerial,
    reservationsUsed: s.reservationsUsed,
    tenantsActive: s.tenantsActive,
    tenants: [...s.tenants].map(([name, t]) => [name, { weight: t.weight, quota: t.quota }] as const),
    tenantOrder: [...s.tenantUse.keys()],
    ended: [...s.ended].map(([id, e]) => ({ id, src: e.src, via: e.via, types: types(e.types), units: e.units, how: e.how, ...(e.by === undefined ? {} : { by: e.by }) })),
    endedReservations: [...s.endedReservations].map(([id, e]): EndedReservation => ({ id, src: e.src, types: types(e.types), units: e.units, members: members(e.members), how: e.how, allocationId: e.allocationId })),
    holdings: [...s.holdings.values()].map(holding),
    waiting: [...s.waiting.values()].sort((a, b) => a.seq - b.seq).map(waiting),
    keys: [...s.keys].map(([key, o]) => [key, o.kind === 'waiting' ? o : o.kind === 'granted' ? { kind: 'granted', allocation: holding(o.allocation) } : { kind: o.kind, request: waiting(o.request) }] as const),
    jobStatuses: [...s.jobStatuses],
    categories: s.categories.save(),
  };
  m.load(loaded);
  return m;
}
