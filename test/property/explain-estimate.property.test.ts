import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WaitingRequest } from '../../src/core/model.js';
import type { PolicyName } from '../../src/core/policy/index.js';
import { build, runOut, setupArb, type Setup } from './contention-scenario.js';

// The promise of explain's estimated_start_ms (docs/contention.md#what-the-estimate-promises):
// when every deadline is met on time (the virtual clock moved exactly to each one), nobody
// releases, renews or cancels and nothing arrives, no waiting request is granted sooner than
// its estimate, and one estimated null is never granted. When the estimate says it is exact,
// the grant comes exactly then. The same must hold when the replay is cut short by a small
// budget (the estimate is then a lower bound only). Explaining must change nothing: the same
// state run out with and without explains gives the same events at the same times. And no
// request is granted twice (this found a preemptor granted by the queue and again by its grace).
// A waiting reserve counts as granted when it is reserved; an unconfirmed reservation ends when
// its hold runs out.

interface Estimate {
  readonly request: WaitingRequest;
  readonly ms: number | null;
  readonly exact: boolean;
}

function check(s: Setup, tenantFeatures: boolean, budget: number | undefined): void {
  const clock = { now: 0 };
  const m = build(s, clock, { tenantFeatures });
  const t0 = clock.now;
  const estimates: Estimate[] = m.waitingRequests().map((w) => {
    const e = m.explain(w.src, w.msgId, budget);
    return { request: w, ms: e.estimatedStartMs, exact: e.estimateExact };
  });
  const twinClock = { now: 0 };
  const twin = build(s, twinClock, { tenantFeatures });
  const events = runOut(m, clock);
  const twinEvents = runOut(twin, twinClock);
  const shape = (x: { at: number; e: { kind: string; request?: WaitingRequest; allocation?: { id: string } } }[]) => x.map(({ at, e }) => `${at} ${e.kind} ${e.request?.seq ?? ''} ${e.allocation?.id ?? ''}`);
  expect(shape(events), 'explain changed what happens next').toEqual(shape(twinEvents));
  const grantedAt = new Map<WaitingRequest, number>();
  const timedOut = new Set<WaitingRequest>();
  for (const { at, e } of events) {
    if ((e.kind === 'granted' || e.kind === 'reserved') && e.request !== undefined) {
      expect(grantedAt.has(e.request), `request ${e.request.msgId} granted twice`).toBe(false);
      grantedAt.set(e.request, at - t0);
    }
    if (e.kind === 'timed_out') timedOut.add(e.request);
  }
  for (const { request, ms, exact } of estimates) {
    const actual = grantedAt.get(request);
    const what = `request ${request.msgId} from ${request.src}: estimate ${ms}${exact ? ' (exact)' : ''}, granted after ${actual ?? 'never'}`;
    if (actual !== undefined) {
      expect(ms, what).not.toBeNull();
      expect(ms!, what).toBeLessThanOrEqual(actual);
    }
    if (exact && !timedOut.has(request)) expect(ms ?? 'never', what).toEqual(actual ?? 'never');
  }
}

const POLICIES: readonly PolicyName[] = ['backfill', 'fifo', 'drf'];

describe('explain: the estimate is never later than the grant', () => {
  for (const policy of POLICIES) {
    it(`${policy}: exact when the replay finishes, a lower bound always`, () => {
      fc.assert(
        fc.property(setupArb([policy]), fc.boolean(), (s, tenants) => check(s, tenants, undefined)),
        { numRuns: 400 },
      );
    });

    it(`${policy}: a lower bound when the replay is cut short, or not run (budget 0: the bound alone)`, () => {
      fc.assert(
        fc.property(setupArb([policy]), fc.boolean(), fc.integer({ min: 0, max: 30 }), (s, tenants, budget) => check(s, tenants, budget)),
        { numRuns: 250 },
      );
    });
  }
});
