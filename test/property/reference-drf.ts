// A deliberately plain model of tenants, quotas and fair share (docs/policies.md), for
// drf.property.test.ts to judge the manager against: arrays and loops, every share and
// holding recomputed from the live allocations whenever it is asked for. Amounts are
// integer thousandths ("units"), as in the ledger.

export type DrfPolicy = 'drf' | 'backfill' | 'fifo';

export interface DrfRequest {
  readonly msgId: number;
  readonly src: string;
  readonly tenant: string;
  /** Sent with a `tenant` field (which lists an idle tenant under backfill and fifo). */
  readonly named: boolean;
  readonly priority: number;
  readonly types: readonly number[];
  readonly units: readonly number[];
  /** Grants of others made while this request was the front. */
  bypassed: number;
}

export interface DrfAllocation {
  readonly id: string;
  readonly msgId: number;
  readonly src: string;
  readonly tenant: string;
  readonly priority: number;
  readonly types: readonly number[];
  readonly units: readonly number[];
}

export interface DrfTenant {
  readonly name: string;
  weight: number;
  /** Units by type index; an undefined entry (or no array) is no limit. */
  quota: (number | undefined)[] | undefined;
}

/** A tenant as status shows it, in the shape of the manager's TenantView. */
export interface DrfView {
  readonly name: string;
  readonly weight: number;
  readonly quota: [number, number][];
  readonly held: [number, number][];
  readonly dominantShare: number;
  readonly queued: number;
}

export type DrfOutcome =
  | { readonly kind: 'granted'; readonly id: string }
  | { readonly kind: 'queued'; readonly reason: string; readonly available: number[]; readonly required: number }
  | { readonly kind: 'refused'; readonly error: 'conflict' | 'limit' | 'unknown'; readonly text?: string };

export interface TenantSettingsUnits {
  readonly weight?: number;
  /** [type, units] pairs; [] removes the limits. */
  readonly quota?: readonly (readonly [number, number])[];
}

export class ReferenceDrf {
  readonly allocated: number[];
  /** Waiting requests in arrival order (msgIds rise with arrival). */
  readonly waiting: DrfRequest[] = [];
  /** Live allocations in grant order. */
  readonly live: DrfAllocation[] = [];
  private readonly ended: DrfAllocation[] = [];
  /** Configured tenants (by option or setTenant); others have weight 1 and no quota. */
  readonly configured: DrfTenant[] = [];
  /** Tenants named by a `tenant` field since they were last idle. */
  private named: string[] = [];
  /** Once true, tenantViews lists tenants. */
  active: boolean;
  private issued = 0;

  readonly types: readonly string[];
  /** Units by type index. */
  readonly capacity: number[];
  readonly policy: DrfPolicy;
  readonly maxBypass: number;
  readonly maxQueue: number;

  constructor(o: {
    types: readonly string[];
    capacity: readonly number[];
    policy: DrfPolicy;
    maxBypass: number;
    maxQueue: number;
    tenants: readonly (readonly [string, TenantSettingsUnits])[];
  }) {
    ({ types: this.types, policy: this.policy, maxBypass: this.maxBypass, maxQueue: this.maxQueue } = o);
    this.capacity = [...o.capacity];
    this.allocated = o.capacity.map(() => 0);
    for (const [name, settings] of o.tenants) this.configure(name, settings);
    this.active = o.policy === 'drf' || o.tenants.length > 0;
  }

  free(t: number): number {
    return Math.max(0, this.capacity[t]! - this.allocated[t]!);
  }

  private tenant(name: string): DrfTenant | undefined {
    for (const t of this.configured) if (t.name === name) return t;
    return undefined;
  }

  private weightOf(name: string): number {
    return this.tenant(name)?.weight ?? 1;
  }

  heldBy(name: string): number[] {
    const held = this.capacity.map(() => 0);
    for (const a of this.live) if (a.tenant === name) a.types.forEach((t, i) => (held[t]! += a.units[i]!));
    return held;
  }

  /** Max over types with capacity of held / capacity (unweighted). */
  dominantShare(name: string): number {
    const held = this.heldBy(name);
    let share = 0;
    for (let t = 0; t < held.length; t++) {
      if (this.capacity[t]! <= 0 || held[t] === 0) continue;
      const s = held[t]! / this.capacity[t]!;
      if (s > share) share = s;
    }
    return share;
  }

  private weightedShare(name: string): number {
    return this.dominantShare(name) / this.weightOf(name);
  }

  /** True while the tenant's quota holds `r` back: holding it too would pass the quota of some type. */
  private quotaHeld(r: { tenant: string; types: readonly number[]; units: readonly number[] }): boolean {
    const quota = this.tenant(r.tenant)?.quota;
    if (quota === undefined) return false;
    const held = this.heldBy(r.tenant);
    return r.types.some((t, i) => quota[t] !== undefined && held[t]! + r.units[i]! > quota[t]!);
  }

  private fits(r: { types: readonly number[]; units: readonly number[] }, reserve?: readonly number[]): boolean {
    return r.types.every((t, i) => r.units[i]! <= this.free(t) - (reserve?.[t] ?? 0));
  }

  /** The policy's order: priority first; under drf the least weighted share next; then arrival. */
  private ranksBefore(a: DrfRequest, b: DrfRequest): boolean {
    if (a.priority !== b.priority) return a.priority > b.priority;
    if (this.policy === 'drf') {
      const sa = this.weightedShare(a.tenant);
      const sb = this.weightedShare(b.tenant);
      if (sa !== sb) return sa < sb;
    }
    return a.msgId < b.msgId;
  }

  /** The waiting request ranked first of all, quota-held ones included: the one the guard protects. */
  front(): DrfRequest | undefined {
    let best: DrfRequest | undefined;
    for (const w of this.waiting) if (best === undefined || this.ranksBefore(w, best)) best = w;
    return best;
  }

  /** The front's demand once it has been passed maxBypass times (nothing while its quota holds it). */
  private reserveOf(front: DrfRequest | undefined): number[] | undefined {
    if (front === undefined || this.policy === 'fifo' || this.quotaHeld(front) || front.bypassed < this.maxBypass) return undefined;
    const r = this.capacity.map(() => 0);
    front.types.forEach((t, i) => (r[t] = front.units[i]!));
    return r;
  }

  /** Under fifo, the first waiting request in order that its quota does not hold back. */
  private firstInOrder(): DrfRequest | undefined {
    let first: DrfRequest | undefined;
    for (const w of this.waiting) if (!this.quotaHeld(w) && (first === undefined || this.ranksBefore(w, first))) first = w;
    return first;
  }

  private grant(r: DrfRequest): DrfAllocation {
    const a = { id: `a${++this.issued}`, msgId: r.msgId, src: r.src, tenant: r.tenant, priority: r.priority, types: r.types, units: r.units };
    r.types.forEach((t, i) => (this.allocated[t]! += r.units[i]!));
    this.live.push(a);
    if (r.named && !this.named.includes(r.tenant)) this.named.push(r.tenant);
    return a;
  }

  private drain(): DrfAllocation[] {
    const granted: DrfAllocation[] = [];
    for (;;) {
      const front = this.front();
      if (front === undefined) break;
      let pick: DrfRequest | undefined;
      if (this.policy === 'fifo') {
        const first = this.firstInOrder();
        if (first !== undefined && this.fits(first)) pick = first;
      } else {
        const reserve = this.reserveOf(front);
        for (const w of this.waiting) {
          if (this.quotaHeld(w) || !this.fits(w, w === front ? undefined : reserve)) continue;
          if (pick === undefined || this.ranksBefore(w, pick)) pick = w;
        }
      }
      if (pick === undefined) break;
      // Whether the front is quota-held is judged before the grant.
      const counts = pick !== front && this.policy !== 'fifo' && !this.quotaHeld(front);
      this.waiting.splice(this.waiting.indexOf(pick), 1);
      granted.push(this.grant(pick));
      if (counts) front.bypassed++;
    }
    return granted;
  }

  /** Forgets the `tenant` field of tenants that neither hold, wait, nor are configured. */
  private forgetIdle(): void {
    this.named = this.named.filter((n) => this.tenant(n) !== undefined || this.live.some((a) => a.tenant === n) || this.waiting.some((w) => w.tenant === n));
  }

  allocate(msgId: number, src: string, tenantOption: string | undefined, priority: number, types: number[], units: number[]): DrfOutcome {
    const tenant = tenantOption ?? src;
    if (tenantOption !== undefined) this.active = true;
    const quota = this.tenant(tenant)?.quota;
    for (let i = 0; i < types.length && quota !== undefined; i++) {
      const q = quota[types[i]!];
      if (q !== undefined && units[i]! > q) {
        const type = this.types[types[i]!]!;
        return { kind: 'refused', error: 'conflict', text: `exceeds quota of tenant ${JSON.stringify(tenant)}: requested ${type} ${units[i]! / 1000}, quota ${type} ${q / 1000}` };
      }
    }
    const r: DrfRequest = { msgId, src, tenant, named: tenantOption !== undefined, priority, types, units, bypassed: 0 };
    if (this.quotaHeld(r)) return this.enqueue(r, 'quota', undefined);
    const fitsFree = this.fits(r);
    if (fitsFree && this.waiting.every((w) => priority > w.priority)) return { kind: 'granted', id: this.grant(r).id };
    if (this.policy === 'fifo') {
      const first = this.firstInOrder();
      if (fitsFree && (first === undefined || priority > first.priority)) return { kind: 'granted', id: this.grant(r).id };
      return this.enqueue(r, fitsFree ? 'order' : 'resources', undefined);
    }
    // Behind the front (else it took the common path or does not fit): backfill's admission.
    const front = this.front();
    const reserve = this.reserveOf(front);
    if (front !== undefined && fitsFree && this.fits(r, reserve)) {
      const counts = !this.quotaHeld(front);
      const a = this.grant(r);
      if (counts) front.bypassed++;
      return { kind: 'granted', id: a.id };
    }
    return this.enqueue(r, fitsFree ? 'order' : 'resources', reserve);
  }

  private enqueue(r: DrfRequest, reason: string, reserve: readonly number[] | undefined): DrfOutcome {
    if (this.waiting.length >= this.maxQueue) return { kind: 'refused', error: 'limit' };
    this.waiting.push(r);
    if (r.named && !this.named.includes(r.tenant)) this.named.push(r.tenant);
    if (reason === 'quota') {
      // What the quota still allows (at most free), and the first amount over it.
      const quota = this.tenant(r.tenant)!.quota!;
      const held = this.heldBy(r.tenant);
      const available = r.types.map((t) => Math.min(this.free(t), quota[t] === undefined ? Infinity : Math.max(0, quota[t]! - held[t]!)));
      const at = r.types.findIndex((t, i) => quota[t] !== undefined && held[t]! + r.units[i]! > quota[t]!);
      return { kind: 'queued', reason, available, required: r.units[at]! };
    }
    // The first amount that does not fit what is free (for 'order', less what the front reserves).
    const limit = (t: number) => this.free(t) - (reason === 'order' ? (reserve?.[t] ?? 0) : 0);
    const at = r.types.findIndex((t, i) => r.units[i]! > limit(t));
    return { kind: 'queued', reason, available: r.types.map((t) => this.free(t)), required: r.units[Math.max(0, at)]! };
  }

  release(id: string): { allocation: DrfAllocation; granted: DrfAllocation[] } | { error: 'unknown' } {
    const i = this.live.findIndex((a) => a.id === id);
    if (i < 0) {
      const ended = this.ended.find((a) => a.id === id);
      return ended === undefined ? { error: 'unknown' } : { allocation: ended, granted: [] };
    }
    const a = this.live.splice(i, 1)[0]!;
    this.ended.push(a);
    a.types.forEach((t, j) => (this.allocated[t]! -= a.units[j]!));
    this.forgetIdle();
    return { allocation: a, granted: this.drain() };
  }

  cancel(src: string, msgId: number): { granted: DrfAllocation[] } | { error: 'unknown' | 'conflict' } {
    const i = this.waiting.findIndex((w) => w.src === src && w.msgId === msgId);
    if (i < 0) return { error: this.live.some((a) => a.src === src && a.msgId === msgId) ? 'conflict' : 'unknown' };
    this.waiting.splice(i, 1);
    this.forgetIdle();
    return { granted: this.drain() };
  }

  setCapacity(t: number, units: number): DrfAllocation[] {
    this.capacity[t] = units;
    return this.drain();
  }

  setTenant(name: string, settings: TenantSettingsUnits): { view: DrfView; granted: DrfAllocation[] } {
    const t = this.configure(name, settings);
    this.active = true;
    return { view: this.view(t.name), granted: this.drain() };
  }

  private configure(name: string, settings: TenantSettingsUnits): DrfTenant {
    let t = this.tenant(name);
    if (t === undefined) {
      t = { name, weight: 1, quota: undefined };
      this.configured.push(t);
    }
    if (settings.weight !== undefined) t.weight = settings.weight;
    if (settings.quota !== undefined) {
      const quota: (number | undefined)[] = this.capacity.map(() => undefined);
      for (const [type, units] of settings.quota) quota[type] = units;
      t.quota = settings.quota.length === 0 ? undefined : quota;
    }
    return t;
  }

  view(name: string): DrfView {
    const quota: [number, number][] = [];
    this.tenant(name)?.quota?.forEach((u, t) => u !== undefined && quota.push([t, u]));
    const held: [number, number][] = [];
    this.heldBy(name).forEach((u, t) => u > 0 && held.push([t, u]));
    const queued = this.waiting.filter((w) => w.tenant === name).length;
    return { name, weight: this.weightOf(name), quota, held, dominantShare: this.dominantShare(name), queued };
  }

  /**
   * The tenants status lists, by name (the manager lists them in the order first known):
   * configured ones, and those that hold or wait when named by a `tenant` field or under drf.
   */
  views(): DrfView[] | undefined {
    if (!this.active) return undefined;
    const names: string[] = this.configured.map((t) => t.name);
    for (const r of [...this.live, ...this.waiting]) {
      if (!names.includes(r.tenant) && (this.policy === 'drf' || this.named.includes(r.tenant))) names.push(r.tenant);
    }
    return names.sort().map((n) => this.view(n));
  }
}
