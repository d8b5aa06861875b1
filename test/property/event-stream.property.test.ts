import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../src/core/events.js';
import { ResourceManager } from '../../src/core/manager.js';
import type { PolicyName } from '../../src/core/policy/index.js';
import { MemoryStore } from '../../src/core/store.js';

// The event stream is complete: folding it alone rebuilds what the manager holds (capacity,
// live allocations and their units, waiting requests), after every call. A journal or a
// replicated store can then be made from it. With preemption on, the stream also rebuilds the
// room held back for each preemptor while its victims have their grace (counted as allocated),
// and reservations: held (counted as allocated) from reserved until confirmed, aborted or expired.

const TYPES = ['cpu', 'gpu'];

type Op =
  | { kind: 'allocate'; cpu: number; gpu: number; priority: number; timeoutMs?: number; leaseMs?: number; key?: string; src?: string }
  | { kind: 'reserve'; cpu: number; gpu: number; priority: number; holdMs: number; key?: string }
  | { kind: 'confirm'; pick: number; leaseMs?: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'release'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'renew'; pick: number; ms: number }
  | { kind: 'capacity'; type: number; amount: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'disconnect'; src: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        kind: fc.constant('allocate' as const),
        cpu: fc.integer({ min: 0, max: 5 }),
        gpu: fc.integer({ min: 0, max: 2 }),
        priority: fc.integer({ min: 0, max: 2 }),
        timeoutMs: fc.integer({ min: 1, max: 50 }),
        leaseMs: fc.integer({ min: 1, max: 50 }),
        key: fc.constantFrom('k1', 'k2', 'k3'),
        src: fc.constantFrom('c', 'd'),
      },
      { requiredKeys: ['kind', 'cpu', 'gpu', 'priority'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      { kind: fc.constant('reserve' as const), cpu: fc.integer({ min: 0, max: 5 }), gpu: fc.integer({ min: 0, max: 2 }), priority: fc.integer({ min: 0, max: 2 }), holdMs: fc.integer({ min: 1, max: 50 }), key: fc.constantFrom('k1', 'k2', 'k4') },
      { requiredKeys: ['kind', 'cpu', 'gpu', 'priority', 'holdMs'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat(), leaseMs: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: ['kind', 'pick'] }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renew' as const), pick: fc.nat(), ms: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), type: fc.integer({ min: 0, max: 1 }), amount: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), src: fc.constantFrom('c', 'd') }) },
);

interface Holding {
  readonly types: readonly number[];
  readonly units: readonly number[];
}

/** A preemptor waiting for its victims: the room held back for it, parallel to its types. */
interface Pending extends Holding {
  readonly withheld: number[];
  readonly victims: Set<string>;
}

/** What the events say the manager holds. */
class Folded {
  readonly capacity = new Map<number, number>();
  readonly live = new Map<string, Holding>();
  readonly reservations = new Map<string, Holding>();
  readonly waiting = new Set<number>();
  /** Preemptors by request seq, and their victims by allocation id. */
  readonly pending = new Map<number, Pending>();
  readonly noticed = new Map<string, number>();

  apply(e: CoreEvent): void {
    switch (e.kind) {
      case 'granted':
        this.live.set(e.allocation.id, e.allocation);
        if (e.request !== undefined) {
          this.waiting.delete(e.request.seq);
          this.settle(e.request.seq);
        }
        break;
      case 'queued':
        this.waiting.add(e.request.seq);
        break;
      case 'reserved':
        this.reservations.set(e.reservation.id, e.reservation);
        if (e.request !== undefined) {
          this.waiting.delete(e.request.seq);
          this.settle(e.request.seq);
        }
        break;
      case 'confirmed':
        this.reservations.delete(e.reservation.id);
        this.live.set(e.allocation.id, e.allocation);
        break;
      case 'aborted':
      case 'reservation_expired':
        this.reservations.delete(e.reservation.id);
        break;
      case 'released':
      case 'lease_expired':
      case 'preempted':
        this.live.delete(e.allocation.id);
        this.victimEnded(e.allocation);
        break;
      case 'cancelled':
      case 'timed_out':
        this.waiting.delete(e.request.seq);
        this.settle(e.request.seq);
        break;
      case 'capacity_set':
        for (const [t, units] of e.capacity) this.capacity.set(t, units);
        break;
      case 'preempt_notice': {
        const seq = e.request.seq;
        let p = this.pending.get(seq);
        if (p === undefined) {
          p = { types: e.request.types, units: e.request.units, withheld: [...e.withheld], victims: new Set() };
          this.pending.set(seq, p);
        }
        p.victims.add(e.allocation.id);
        this.noticed.set(e.allocation.id, seq);
        break;
      }
      default:
        break;
    }
  }

  /** Units allocated of type `t`: held by allocations, and held back for preemptors. */
  allocated(t: number): number {
    let units = 0;
    for (const h of [...this.live.values(), ...this.reservations.values(), ...[...this.pending.values()].map((p) => ({ types: p.types, units: p.withheld }))]) {
      h.types.forEach((tt, i) => (units += tt === t ? h.units[i]! : 0));
    }
    return units;
  }

  /** A victim's units go to its preemptor, up to what the preemptor still lacks. */
  private victimEnded(a: Holding & { id: string }): void {
    const seq = this.noticed.get(a.id);
    if (seq === undefined) return;
    this.noticed.delete(a.id);
    const p = this.pending.get(seq)!;
    p.victims.delete(a.id);
    p.types.forEach((t, i) => {
      const j = a.types.indexOf(t);
      if (j >= 0) p.withheld[i]! += Math.min(a.units[j]!, p.units[i]! - p.withheld[i]!);
    });
  }

  /** A preemptor left the queue: the room held for it is free again, its victims are spared. */
  private settle(seq: number): void {
    const p = this.pending.get(seq);
    if (p === undefined) return;
    for (const id of p.victims) this.noticed.delete(id);
    this.pending.delete(seq);
  }
}

/** Preemption settings the stream is folded under. */
type Preempting = { preemption: 'off' } | { preemption: 'lower-priority'; preemptionGraceMs: number };

function run(policy: PolicyName, preempting: Preempting, ops: Op[]): void {
  const clock = { now: 0 };
  const store = new MemoryStore();
  const m = new ResourceManager({ capacity: [['cpu', 6], ['gpu', 2]], clock: () => clock.now, policy, maxBypass: 2, store, ...preempting });
  const folded = new Folded();
  folded.capacity.set(0, 6000);
  folded.capacity.set(1, 2000);
  let msgId = 0;
  let seen = 0;
  for (const o of ops) {
    let owed: readonly CoreEvent[] = [];
    try {
      if (o.kind === 'allocate') {
        const reqs = [
          ...(o.cpu > 0 ? [{ type: 'cpu', amount: o.cpu }] : []),
          ...(o.gpu > 0 ? [{ type: 'gpu', amount: o.gpu }] : []),
        ];
        if (reqs.length === 0) continue;
        const options = { priority: o.priority, timeoutMs: o.timeoutMs, leaseMs: o.leaseMs, requestId: o.key };
        owed = m.allocate({ src: o.src ?? 'c', msgId: ++msgId, via: 'n' }, reqs, options).events ?? [];
      } else if (o.kind === 'reserve') {
        const reqs = [
          ...(o.cpu > 0 ? [{ type: 'cpu', amount: o.cpu }] : []),
          ...(o.gpu > 0 ? [{ type: 'gpu', amount: o.gpu }] : []),
        ];
        if (reqs.length === 0) continue;
        m.reserve({ src: 'c', msgId: ++msgId, via: 'n' }, reqs, { priority: o.priority, holdMs: o.holdMs, requestId: o.key });
      } else if (o.kind === 'confirm' || o.kind === 'abort') {
        const held = [...m.liveReservations()];
        if (held.length === 0) continue;
        const id = held[o.pick % held.length]!.id;
        if (o.kind === 'confirm') m.confirm(id, o.leaseMs);
        else owed = m.abort(id).events;
      } else if (o.kind === 'release') {
        const live = [...m.liveAllocations()];
        if (live.length === 0) continue;
        owed = m.release(live[o.pick % live.length]!.id).events;
      } else if (o.kind === 'cancel') {
        const waiting = m.waitingRequests();
        if (waiting.length === 0) continue;
        const w = waiting[o.pick % waiting.length]!;
        owed = m.cancel(w.src, w.msgId).events;
      } else if (o.kind === 'renew') {
        const live = [...m.liveAllocations()];
        if (live.length === 0) continue;
        m.renew(live[o.pick % live.length]!.id, o.ms);
      } else if (o.kind === 'capacity') {
        owed = m.setCapacity([[TYPES[o.type]!, o.amount]]);
      } else if (o.kind === 'disconnect') {
        owed = m.releaseHolders([o.src], 'disconnected').events;
      } else {
        clock.now += o.ms;
        owed = m.advance();
      }
    } catch {
      // A refusal (a reused key with other requirements, say) changes nothing: no event.
    }
    const fresh = store.events.slice(seen);
    seen = store.events.length;
    for (const e of fresh) folded.apply(e);
    // What a call returns as owed is exactly the stream's events that owe another client a message.
    const owedInStream = fresh.filter(
      (e) =>
        ((e.kind === 'granted' || e.kind === 'reserved') && e.request !== undefined) ||
        e.kind === 'timed_out' ||
        e.kind === 'lease_expired' ||
        e.kind === 'preempt_notice' ||
        e.kind === 'preempted' ||
        e.kind === 'reservation_expired',
    );
    expect(owed).toEqual(owedInStream);
    for (let t = 0; t < TYPES.length; t++) {
      expect(m.capacityOf(t)).toBe(folded.capacity.get(t));
      expect(m.allocatedOf(t)).toBe(folded.allocated(t));
    }
    expect(new Set([...m.liveAllocations()].map((a) => a.id))).toEqual(new Set(folded.live.keys()));
    expect(new Set([...m.liveReservations()].map((r) => r.id))).toEqual(new Set(folded.reservations.keys()));
    expect(new Set(m.waitingRequests().map((w) => w.seq))).toEqual(folded.waiting);
  }
}

describe('the event stream', () => {
  const settings: [string, Preempting][] = [
    ['', { preemption: 'off' }],
    [', preemption at once', { preemption: 'lower-priority', preemptionGraceMs: 0 }],
    [', preemption after a grace', { preemption: 'lower-priority', preemptionGraceMs: 20 }],
  ];
  for (const policy of ['backfill', 'fifo'] as const) {
    for (const [label, preempting] of settings) {
      it(`rebuilds the manager's holdings and queue after every call (${policy}${label})`, () => {
        fc.assert(
          fc.property(fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }), (ops) => run(policy, preempting, ops)),
          { numRuns: preempting.preemption === 'off' ? 150 : 100 },
        );
      });
    }
  }
});
