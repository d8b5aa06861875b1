import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OwedEvent } from '../../../src/core/events.js';
import { ResourceManager } from '../../../src/core/manager.js';
import type { Allocation } from '../../../src/core/model.js';

const MEMBERS = ['r1', 'r2', 'r3', 'r4'];

type Op =
  | { readonly kind: 'allocate'; readonly robots: number; readonly cpu: number; readonly leaseMs: number | undefined }
  | { readonly kind: 'release'; readonly pick: number }
  | { readonly kind: 'wait'; readonly ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), robots: fc.integer({ min: 1, max: 5 }), cpu: fc.integer({ min: 0, max: 3 }), leaseMs: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 40 }) }),
);

/** Every member's holder, read from the live allocations alone. */
function heldBy(m: ResourceManager): Map<string, string> {
  const robot = m.types.indexOf('robot');
  const held = new Map<string, string>();
  for (const a of m.liveAllocations()) {
    const names = a.members?.get(robot) ?? [];
    const units = a.units[a.types.indexOf(robot)] ?? 0;
    expect(names.length).toBe(units / 1000);
    for (const n of names) {
      // Members held never overlap.
      expect(held.has(n)).toBe(false);
      held.set(n, a.id);
    }
  }
  return held;
}

function check(m: ResourceManager): Map<string, string> {
  const robot = m.types.indexOf('robot');
  const held = heldBy(m);
  const holders = new Map(m.memberHolders(robot));
  for (const n of MEMBERS) expect(holders.get(n)).toBe(held.get(n) ?? null);
  expect(m.freeMembers(robot) * 1000).toBe(m.freeOf(robot));
  return held;
}

/** Members handed to grants among `events`. */
function regranted(m: ResourceManager, events: readonly OwedEvent[]): Set<string> {
  const robot = m.types.indexOf('robot');
  return new Set(events.flatMap((e) => (e.kind === 'granted' ? (e.allocation.members?.get(robot) ?? []) : [])));
}

describe('pool invariants under random traffic', () => {
  it('never lends a member twice, and a release returns exactly its members', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const clock = { now: 0 };
        let n = 0;
        const m = new ResourceManager({ capacity: [['cpu', 4]], pools: [['robot', MEMBERS]], clock: () => clock.now, newId: () => `a${++n}` });
        const robot = m.types.indexOf('robot');
        let msgId = 0;
        for (const o of ops) {
          const before = check(m);
          let events: readonly OwedEvent[] = [];
          let ended: Allocation[] = [];
          if (o.kind === 'allocate') {
            const reqs = [{ type: 'robot', amount: o.robots }, ...(o.cpu > 0 ? [{ type: 'cpu', amount: o.cpu }] : [])];
            const outcome = m.allocate({ src: 'c', msgId: ++msgId, via: 'n1' }, reqs, o.leaseMs === undefined ? undefined : { leaseMs: o.leaseMs });
            if (outcome.kind === 'granted') events = [{ kind: 'granted', allocation: outcome.allocation, request: undefined }];
          } else if (o.kind === 'release') {
            const live = [...m.liveAllocations()];
            if (live.length === 0) continue;
            const a = live[o.pick % live.length]!;
            const r = m.release(a.id);
            ended = [a];
            events = r.events;
          } else {
            clock.now += o.ms;
            events = m.advance();
            ended = events.flatMap((e) => (e.kind === 'lease_expired' ? [e.allocation] : []));
          }
          const after = check(m);
          const given = regranted(m, events);
          const returned = new Set(ended.flatMap((a) => a.members?.get(robot) ?? []));
          for (const name of MEMBERS) {
            const was = before.get(name);
            const now = after.get(name);
            if (returned.has(name)) {
              // Returned: free now, or handed straight to a waiting request.
              expect(now === undefined || given.has(name)).toBe(true);
            } else if (was !== undefined) {
              // Not returned: still with the same holder.
              expect(now).toBe(was);
            } else {
              // Free before: taken only by a grant of this step.
              expect(now === undefined || given.has(name)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
