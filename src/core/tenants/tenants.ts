import { input, refuse, words } from '../errors.js';
import { amountProblem, capacityProblem, fromUnits, toUnits } from '../ledger/amounts.js';
import type { Ledger } from '../ledger/ledger.js';
import { listSome } from '../ledger/requirements.js';

/** What a node is told about a tenant, by flag or by `set_tenant`. */
export interface TenantSettings {
  /** Its weight in fair share; more weight, a larger share. Positive, up to 3 decimals. */
  readonly weight?: number;
  /** Most it may hold at once, wire amounts by type name; empty: no limits. */
  readonly quota?: Iterable<readonly [string, number]>;
}

/** A tenant as status shows it. */
export interface TenantView {
  readonly name: string;
  readonly weight: number;
  /** Units by type index, in type order; empty when it has no quota. */
  readonly quota: readonly (readonly [type: number, units: number])[];
  /** Units held by type index, nonzero only, in type order. */
  readonly held: readonly (readonly [type: number, units: number])[];
  /** Max over types of held / capacity, not divided by the weight. */
  readonly dominantShare: number;
  readonly queued: number;
}

/** Most tenants configured at once (each named one stays until the node stops). */
export const MAX_TENANTS = 100_000;

/** A tenant as the core keeps it: its settings, what it holds and how many of its requests wait. */
export class Tenant {
  weight = 1;
  /** Units by type index; a missing entry (or no array) is no limit. */
  quota: number[] | undefined;
  readonly held: number[] = [];
  /** Live allocations of the tenant. */
  holding = 0;
  queued = 0;
  /** Given settings by a flag or set_tenant: listed and kept even when idle. */
  configured = false;
  /** Named by a `tenant` field: listed while it holds or waits. */
  named = false;
  constructor(readonly name: string) {}

  /** True when holding `units` of `types` more would take the tenant past its quota. */
  wouldPass(types: readonly number[], units: readonly number[]): boolean {
    const quota = this.quota;
    if (quota === undefined) return false;
    for (let i = 0; i < types.length; i++) {
      const q = quota[types[i]!];
      if (q !== undefined && (this.held[types[i]!] ?? 0) + units[i]! > q) return true;
    }
    return false;
  }

  /** What the quota still allows of type `t` (Infinity when unlimited). */
  headroom(t: number): number {
    const q = this.quota?.[t];
    if (q === undefined) return Infinity;
    const room = q - (this.held[t] ?? 0);
    return room > 0 ? room : 0;
  }
}

/**
 * Tenants: who a request counts against, what each holds, weights and quotas. Inactive (and
 * costing nothing) until a tenant feature is used; see docs/policies.md.
 */
export class Tenants {
  /** In the order first known (a dropped tenant named again counts as new). */
  private readonly byName = new Map<string, Tenant>();
  private configuredCount = 0;
  /** True once any tenant feature is in use: holdings are then kept per tenant. */
  active = false;
  /** True once any tenant has had a quota: requests may then be held by one. */
  quotas = false;

  constructor(
    private readonly ledger: Ledger,
    /** Under fair share every tenant that holds or waits is listed. */
    private readonly listAll: boolean,
  ) {}

  /** The tenant called `name`, made when new (it is dropped again once idle, unless configured). */
  of(name: string): Tenant {
    let t = this.byName.get(name);
    if (t === undefined) {
      t = new Tenant(name);
      this.byName.set(name, t);
    }
    return t;
  }

  get(name: string): Tenant | undefined {
    return this.byName.get(name);
  }

  /** Applies `settings` to tenant `name`, checking all before changing anything. */
  configure(name: string, settings: TenantSettings): Tenant {
    const weight = settings.weight;
    if (weight !== undefined) {
      const problem = amountProblem(weight);
      if (problem !== undefined) throw refuse.invalid(words`${input('weight')} ${problem}`);
    }
    let quota: number[] | undefined;
    if (settings.quota !== undefined) {
      quota = [];
      let any = false;
      for (const [type, amount] of settings.quota) {
        const t = this.ledger.types.indexOf(type);
        if (t < 0) throw refuse.invalid(words`${input('quota')} names ${JSON.stringify(type)}, not a known resource type (known: ${listSome(this.ledger.types.list())})`);
        const problem = capacityProblem(amount);
        if (problem !== undefined) throw refuse.invalid(words`${input('quota')}.${type} ${problem}`);
        quota[t] = toUnits(amount);
        any = true;
      }
      if (!any) quota = undefined;
    }
    const existing = this.byName.get(name);
    if ((existing === undefined || !existing.configured) && this.configuredCount >= MAX_TENANTS) {
      throw refuse.limit(`too many tenants: ${this.configuredCount} configured, limit ${MAX_TENANTS}`);
    }
    const t = this.of(name);
    if (!t.configured) {
      t.configured = true;
      this.configuredCount++;
    }
    if (weight !== undefined) t.weight = weight;
    if (settings.quota !== undefined) {
      t.quota = quota;
      if (quota !== undefined) this.quotas = true;
    }
    return t;
  }

  /** Refuses a request that asks more of a type than its tenant's quota allows at all. */
  checkQuota(t: Tenant, types: readonly number[], units: readonly number[]): void {
    const quota = t.quota;
    if (quota === undefined) return;
    for (let i = 0; i < types.length; i++) {
      const q = quota[types[i]!];
      if (q !== undefined && units[i]! > q) {
        const type = this.ledger.types.name(types[i]!);
        throw refuse.conflict(`exceeds quota of tenant ${JSON.stringify(t.name)}: requested ${type} ${fromUnits(units[i]!)}, quota ${type} ${fromUnits(q)}`);
      }
    }
  }

  /** `units` of `types` were granted to tenant `t`. */
  hold(t: Tenant, types: readonly number[], units: readonly number[]): void {
    for (let i = 0; i < types.length; i++) t.held[types[i]!] = (t.held[types[i]!] ?? 0) + units[i]!;
    t.holding++;
  }

  /** `units` of `types` held by tenant `t` came back. */
  unhold(t: Tenant, types: readonly number[], units: readonly number[]): void {
    for (let i = 0; i < types.length; i++) t.held[types[i]!] = t.held[types[i]!]! - units[i]!;
    t.holding--;
    this.dropIfIdle(t);
  }

  /** Forgets a tenant that nothing names any more, so memory follows what is held and waiting. */
  dropIfIdle(t: Tenant): void {
    if (t.holding === 0 && t.queued === 0 && !t.configured) this.byName.delete(t.name);
  }

  /** Max over types with capacity of held / capacity. */
  dominantShare(t: Tenant): number {
    let share = 0;
    const held = t.held;
    for (let type = 0; type < held.length; type++) {
      const h = held[type];
      if (h === undefined || h === 0) continue;
      const cap = this.ledger.capacityOf(type);
      if (cap <= 0) continue;
      const s = h / cap;
      if (s > share) share = s;
    }
    return share;
  }

  /** The tenants status lists, in the order first known. */
  views(): TenantView[] {
    const list: TenantView[] = [];
    for (const t of this.byName.values()) {
      const busy = t.holding > 0 || t.queued > 0;
      if (!(t.configured || (busy && (t.named || this.listAll)))) continue;
      list.push(this.view(t));
    }
    return list;
  }

  view(t: Tenant): TenantView {
    const quota: [number, number][] = [];
    t.quota?.forEach((units, type) => quota.push([type, units]));
    const held: [number, number][] = [];
    t.held.forEach((units, type) => {
      if (units > 0) held.push([type, units]);
    });
    return { name: t.name, weight: t.weight, quota, held, dominantShare: this.dominantShare(t), queued: t.queued };
  }
}
