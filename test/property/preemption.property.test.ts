import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../src/core/manager.js';
import type { Allocation } from '../../src/core/model.js';

// Victim choice against a plain model: every live allocation of lower priority, sorted
// (lowest priority, then newest first), taken one by one until the request fits in what is
// free plus what they hold, then a reverse pass that drops each one the rest can do without.

const CAPACITY = { cpu: 8, gpu: 4 };
const TYPES = ['cpu', 'gpu'] as const;

interface Ask {
  readonly cpu: number;
  readonly gpu: number;
  readonly priority: number;
}

type Step = { kind: 'hold'; ask: Ask } | { kind: 'release'; pick: number };

const ask: fc.Arbitrary<Ask> = fc
  .record({ cpu: fc.integer({ min: 0, max: 4 }), gpu: fc.integer({ min: 0, max: 3 }), priority: fc.integer({ min: -1, max: 3 }) })
  .filter((a) => a.cpu + a.gpu > 0);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('hold' as const), ask }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
);

function requirements(a: Ask): { type: string; amount: number }[] {
  return TYPES.filter((t) => a[t] > 0).map((t) => ({ type: t, amount: a[t] }));
}

function held(a: Allocation, m: ResourceManager, type: string): number {
  const i = a.types.indexOf(m.types.indexOf(type));
  return i < 0 ? 0 : a.units[i]! / 1000;
}

/** The model: undefined when the preemptor fits as things are or cannot be made to fit; else the victims' ids in order. */
function modelVictims(m: ResourceManager, preemptor: Ask): string[] | undefined {
  const live = [...m.liveAllocations()];
  const types = TYPES.filter((t) => preemptor[t] > 0);
  const free = (t: string): number => CAPACITY[t as keyof typeof CAPACITY] - live.reduce((s, a) => s + held(a, m, t), 0);
  const fits = (set: Allocation[]): boolean => types.every((t) => preemptor[t] <= free(t) + set.reduce((s, a) => s + held(a, m, t), 0));
  if (fits([])) return undefined;
  const candidates = live.filter((a) => a.priority < preemptor.priority).sort((a, b) => a.priority - b.priority || b.serial - a.serial);
  const taken: Allocation[] = [];
  for (const c of candidates) {
    if (fits(taken)) break;
    taken.push(c);
  }
  if (!fits(taken)) return undefined;
  for (let k = taken.length - 1; k >= 0; k--) {
    const without = taken.filter((_, j) => j !== k);
    if (fits(without)) taken.splice(k, 1);
  }
  return taken.map((a) => a.id);
}

function run(steps: Step[], preemptor: Ask, graceMs: number): void {
  const m = new ResourceManager({ capacity: Object.entries(CAPACITY), clock: () => 0, idPrefix: 'a', preemption: 'lower-priority', preemptionGraceMs: graceMs });
  let msgId = 0;
  for (const s of steps) {
    if (s.kind === 'hold') {
      // Holders only: a request that does not fit is not made (nothing waits), so nothing is preempted yet.
      const fits = TYPES.every((t) => s.ask[t] * 1000 <= m.freeOf(m.types.indexOf(t)));
      if (fits) m.allocate({ src: `h${msgId}`, msgId: ++msgId, via: 'n' }, requirements(s.ask), { priority: s.ask.priority });
    } else {
      const live = [...m.liveAllocations()];
      if (live.length > 0) m.release(live[s.pick % live.length]!.id);
    }
  }
  expect(m.waiting).toBe(0);
  const before = new Set([...m.liveAllocations()].map((a) => a.id));
  const fitsNow = TYPES.every((t) => preemptor[t] * 1000 <= m.freeOf(m.types.indexOf(t)));
  const expected = modelVictims(m, preemptor);
  const o = m.allocate({ src: 'p', msgId: ++msgId, via: 'n' }, requirements(preemptor), { priority: preemptor.priority });
  const events = o.events ?? [];
  if (fitsNow) {
    expect([o.kind, events]).toEqual(['granted', []]);
    return;
  }
  if (expected === undefined) {
    expect([o.kind, o.kind === 'queued' && o.reason, events]).toEqual(['queued', 'resources', []]);
    expect(new Set([...m.liveAllocations()].map((a) => a.id))).toEqual(before);
    return;
  }
  if (graceMs === 0) {
    expect(o.kind).toBe('granted');
    const id = o.kind === 'granted' ? o.allocation.id : '';
    expect(events.map((e) => (e.kind === 'preempted' ? `${e.allocation.id} by ${e.by}` : e.kind))).toEqual(expected.map((v) => `${v} by ${id}`));
    expect(new Set([...m.liveAllocations()].map((a) => a.id))).toEqual(new Set([...before].filter((v) => !expected.includes(v)).concat(id)));
  } else {
    expect([o.kind, o.kind === 'queued' && o.reason]).toEqual(['queued', 'preempting']);
    expect(events.map((e) => (e.kind === 'preempt_notice' ? e.allocation.id : e.kind))).toEqual(expected);
    expect(new Set([...m.liveAllocations()].map((a) => a.id))).toEqual(before);
  }
  for (const t of TYPES) {
    const i = m.types.indexOf(t);
    expect(m.allocatedOf(i) + m.freeOf(i)).toBe(m.capacityOf(i));
  }
}

describe('victim choice', () => {
  for (const graceMs of [0, 100]) {
    it(`matches the plain model: the victims, their order and the outcome (grace ${graceMs} ms)`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }), ask, (steps, preemptor) => run(steps, preemptor, graceMs)),
        { numRuns: 400 },
      );
    });
  }
});
