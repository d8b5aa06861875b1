import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../src/core/events.js';
import { ResourceManager } from '../../src/core/manager.js';
import type { PolicyName } from '../../src/core/policy/index.js';
import { MemoryStore } from '../../src/core/store.js';

// The event stream is complete: folding it alone rebuilds what the manager holds (capacity,
// live allocations and their units, waiting requests), after every call. A journal or a
// replicated store can then be made from it.

const TYPES = ['cpu', 'gpu'];

type Op =
  | { kind: 'allocate'; cpu: number; gpu: number; priority: number; timeoutMs?: number; leaseMs?: number; key?: string }
  | { kind: 'release'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'renew'; pick: number; ms: number }
  | { kind: 'capacity'; type: number; amount: number }
  | { kind: 'tick'; ms: number };

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
      },
      { requiredKeys: ['kind', 'cpu', 'gpu', 'priority'] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renew' as const), pick: fc.nat(), ms: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), type: fc.integer({ min: 0, max: 1 }), amount: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
);

/** What the events say the manager holds. */
class Folded {
  readonly capacity = new Map<number, number>();
  readonly live = new Map<string, { types: readonly number[]; units: readonly number[] }>();
  readonly waiting = new Set<number>();

  apply(e: CoreEvent): void {
    switch (e.kind) {
      case 'granted':
        this.live.set(e.allocation.id, e.allocation);
        if (e.request !== undefined) this.waiting.delete(e.request.seq);
        break;
      case 'queued':
        this.waiting.add(e.request.seq);
        break;
      case 'released':
      case 'lease_expired':
        this.live.delete(e.allocation.id);
        break;
      case 'cancelled':
      case 'timed_out':
        this.waiting.delete(e.request.seq);
        break;
      case 'capacity_set':
        for (const [t, units] of e.capacity) this.capacity.set(t, units);
        break;
      default:
        break;
    }
  }
}

function run(policy: PolicyName, ops: Op[]): void {
  const clock = { now: 0 };
  const store = new MemoryStore();
  const m = new ResourceManager({ capacity: [['cpu', 6], ['gpu', 2]], clock: () => clock.now, policy, maxBypass: 2, store });
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
        m.allocate({ src: 'c', msgId: ++msgId, via: 'n' }, reqs, options);
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
    const owedInStream = fresh.filter((e) => (e.kind === 'granted' && e.request !== undefined) || e.kind === 'timed_out' || e.kind === 'lease_expired');
    expect(owed).toEqual(owedInStream);
    for (let t = 0; t < TYPES.length; t++) {
      expect(m.capacityOf(t)).toBe(folded.capacity.get(t));
      let held = 0;
      for (const a of folded.live.values()) a.types.forEach((tt, i) => (held += tt === t ? a.units[i]! : 0));
      expect(m.allocatedOf(t)).toBe(held);
    }
    expect(new Set([...m.liveAllocations()].map((a) => a.id))).toEqual(new Set(folded.live.keys()));
    expect(new Set(m.waitingRequests().map((w) => w.seq))).toEqual(folded.waiting);
  }
}

describe('the event stream', () => {
  for (const policy of ['backfill', 'fifo'] as const) {
    it(`rebuilds the manager's holdings and queue after every call (${policy})`, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => run(policy, ops)),
        { numRuns: 150 },
      );
    });
  }
});
