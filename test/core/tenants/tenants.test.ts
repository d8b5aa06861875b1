import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/ledger.js';
import { Tenants } from '../../../src/core/tenants/tenants.js';
import { codeOf } from '../../support/errors.js';

function tenants(listAll = false): { tenants: Tenants; ledger: Ledger } {
  const ledger = new Ledger(10);
  ledger.setCapacity('cpu', 8000);
  ledger.setCapacity('gpu', 2000);
  return { tenants: new Tenants(ledger, listAll), ledger };
}

describe('Tenants', () => {
  it('checks every setting before changing any', () => {
    const { tenants: ts } = tenants();
    expect(() => ts.configure('a', { weight: 2, quota: [['tpu', 1]] })).toThrow('quota names "tpu", not a known resource type (known: "cpu", "gpu")');
    expect(() => ts.configure('a', { weight: 0 })).toThrow('weight must be a positive number');
    expect(() => ts.configure('a', { weight: 1.0001 })).toThrow('weight must have at most 3 decimal places');
    expect(() => ts.configure('a', { quota: [['gpu', -1]] })).toThrow('quota.gpu must be at least 0');
    expect(ts.get('a')).toBeUndefined();
  });

  it('keeps holdings, headroom and the dominant share', () => {
    const { tenants: ts } = tenants();
    const a = ts.configure('a', { quota: [['gpu', 2]] });
    ts.hold(a, [0, 1], [2000, 1000]);
    expect(a.headroom(1)).toBe(1000);
    expect(a.headroom(0)).toBe(Infinity);
    expect(a.wouldPass([1], [1000])).toBe(false);
    expect(a.wouldPass([1], [1001])).toBe(true);
    expect(ts.dominantShare(a)).toBe(0.5);
    expect(codeOf(() => ts.checkQuota(a, [1], [3000]))).toBe(22);
  });

  it('forgets an idle tenant nothing configured, and lists what status shows', () => {
    const { tenants: ts } = tenants();
    const c = ts.of('c');
    ts.hold(c, [0], [1000]);
    ts.configure('a', {});
    // Not named by a tenant field and not under fair share: not listed.
    expect(ts.views().map((v) => v.name)).toEqual(['a']);
    c.named = true;
    expect(ts.views().map((v) => v.name)).toEqual(['c', 'a']);
    ts.unhold(c, [0], [1000]);
    expect(ts.get('c')).toBeUndefined();
    expect(ts.views().map((v) => v.name)).toEqual(['a']);
  });

  it('under fair share lists every tenant that holds or waits', () => {
    const { tenants: ts } = tenants(true);
    const c = ts.of('c');
    c.queued = 1;
    expect(ts.views()).toEqual([{ name: 'c', weight: 1, quota: [], held: [], dominantShare: 0, queued: 1 }]);
  });
});
