// A deliberately plain model of the drain (docs/protocol.md, "The queue"), for the property tests to compare the
// indexed ResourceManager against: the queue is an array, and every drain walks it from
// the front in arrival order. Amounts are integer thousandths ("units"), as in the ledger.

export type Policy = 'backfill' | 'fifo';

// Why a request waits, in the core's words: not enough is free, or others stand in front.
export const INSUFFICIENT = 'resources';
export const BEHIND = 'order';

export interface ModelRequest {
  readonly msgId: number;
  readonly types: readonly number[];
  readonly units: readonly number[];
  /** Later grants made while this request was the head of the queue. */
  bypassed: number;
}

export interface ModelAllocation {
  readonly id: string;
  readonly msgId: number;
  readonly types: readonly number[];
  readonly units: readonly number[];
}

export type ModelAllocate =
  | { readonly kind: 'granted'; readonly id: string }
  | { readonly kind: 'queued'; readonly reason: string; readonly available: number[]; readonly required: number }
  | { readonly kind: 'error'; readonly code: number };

export type ModelRelease = { readonly kind: 'released'; readonly allocation: ModelAllocation; readonly granted: ModelAllocation[] } | { readonly kind: 'error'; readonly code: number };

export class ReferenceQueue {
  readonly allocated: number[];
  /** Waiting requests, oldest first. */
  readonly waiting: ModelRequest[] = [];
  readonly live = new Map<string, ModelAllocation>();
  private readonly ended = new Map<string, ModelAllocation>();
  private issued = 0;

  constructor(
    readonly capacity: number[],
    readonly policy: Policy,
    readonly maxBypass: number,
    readonly maxQueue: number,
  ) {
    this.allocated = capacity.map(() => 0);
  }

  free(t: number): number {
    return Math.max(0, this.capacity[t]! - this.allocated[t]!);
  }

  /** What a later request must leave untouched: the head's demand once it has been passed over maxBypass times. */
  private reserve(): number[] | undefined {
    const head = this.waiting[0];
    if (head === undefined || this.policy !== 'backfill' || head.bypassed < this.maxBypass) return undefined;
    const r = this.capacity.map(() => 0);
    head.types.forEach((t, i) => (r[t] = head.units[i]!));
    return r;
  }

  private fits(r: { types: readonly number[]; units: readonly number[] }, reserve?: number[]): boolean {
    return r.types.every((t, i) => r.units[i]! <= this.free(t) - (reserve?.[t] ?? 0));
  }

  private grant(r: ModelRequest): ModelAllocation {
    const a = { id: `a${++this.issued}`, msgId: r.msgId, types: r.types, units: r.units };
    r.types.forEach((t, i) => (this.allocated[t]! += r.units[i]!));
    this.live.set(a.id, a);
    return a;
  }

  /** The drain: walk the array front to back, granting what fits (fifo: stop at the first that does not). */
  private walk(): ModelAllocation[] {
    const granted: ModelAllocation[] = [];
    let i = 0;
    while (i < this.waiting.length) {
      const w = this.waiting[i]!;
      if (i === 0) {
        if (this.fits(w)) {
          granted.push(this.grant(w));
          this.waiting.shift();
          continue;
        }
        if (this.policy === 'fifo') break;
        i++;
        continue;
      }
      if (this.fits(w, this.reserve())) {
        granted.push(this.grant(w));
        this.waiting.splice(i, 1);
        this.waiting[0]!.bypassed++;
      } else {
        i++;
      }
    }
    return granted;
  }

  /** A new request joins the back of the queue and the queue is walked; did it get through? */
  allocate(msgId: number, types: number[], units: number[]): ModelAllocate {
    const r: ModelRequest = { msgId, types, units, bypassed: 0 };
    this.waiting.push(r);
    const granted = this.walk();
    if (granted.some((a) => a.msgId !== msgId)) throw new Error('model: an allocate granted an older request');
    if (granted.length === 1) return { kind: 'granted', id: granted[0]!.id };
    if (this.waiting.length - 1 >= this.maxQueue) {
      this.waiting.pop();
      return { kind: 'error', code: 11 };
    }
    const available = types.map((t) => this.free(t));
    const fitsFree = this.fits(r);
    const reserve = r === this.waiting[0] ? undefined : this.reserve();
    let at = types.findIndex((t, i) => units[i]! > this.free(t));
    if (at < 0 && reserve !== undefined) at = types.findIndex((t, i) => units[i]! > this.free(t) - reserve[t]!);
    return { kind: 'queued', reason: fitsFree ? BEHIND : INSUFFICIENT, available, required: units[Math.max(0, at)]! };
  }

  release(id: string): ModelRelease {
    const a = this.live.get(id);
    if (a === undefined) {
      const ended = this.ended.get(id);
      return ended === undefined ? { kind: 'error', code: 20 } : { kind: 'released', allocation: ended, granted: [] };
    }
    this.live.delete(id);
    this.ended.set(id, a);
    a.types.forEach((t, i) => (this.allocated[t]! -= a.units[i]!));
    return { kind: 'released', allocation: a, granted: this.walk() };
  }

  setCapacity(t: number, units: number): ModelAllocation[] {
    this.capacity[t] = units;
    return this.walk();
  }
}

export interface ModelSubmit {
  readonly queued: number;
  readonly running: number;
  readonly waiting: number;
  /** Ids of jobs of earlier requests that started now. */
  readonly startedEarlier: string[];
}

/** Job categories with no completions: jobs start in number order, so running jobs are #1..#running. */
export class ReferenceCategories {
  readonly byName = new Map<string, { limit: number; running: number; waiting: number }>();

  constructor(private readonly maxWaiting: number) {}

  private get waitingTotal(): number {
    let n = 0;
    for (const c of this.byName.values()) n += c.waiting;
    return n;
  }

  submit(name: string, limit: number | undefined, jobs: number): ModelSubmit | { code: number } {
    const c = this.byName.get(name) ?? { limit: 0, running: 0, waiting: 0 };
    if (limit === undefined && !this.byName.has(name)) return { code: 12 };
    const cap = limit ?? c.limit;
    // Earlier waiting jobs first, then this request's, while the cap allows.
    const earlier = Math.min(c.waiting, Math.max(0, cap - c.running));
    const now = Math.min(jobs, Math.max(0, cap - c.running - earlier));
    const queued = jobs - now;
    if (queued > 0 && this.waitingTotal - earlier + queued > this.maxWaiting) return { code: 11 };
    const startedEarlier = Array.from({ length: earlier }, (_, k) => `${name}#${c.running + k + 1}`);
    const next = { limit: cap, running: c.running + earlier + now, waiting: c.waiting - earlier + queued };
    this.byName.set(name, next);
    return { queued, running: next.running, waiting: next.waiting, startedEarlier };
  }
}
