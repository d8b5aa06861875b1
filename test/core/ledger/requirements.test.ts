import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/ledger.js';
import { Pools } from '../../../src/core/ledger/pools.js';
import { Requirements } from '../../../src/core/ledger/requirements.js';
import { codeOf } from '../../support/errors.js';

function setUp(): { ledger: Ledger; requirements: Requirements } {
  const ledger = new Ledger(0);
  ledger.setCapacity('cpu', 8000);
  ledger.setCapacity('gpu', 2000);
  const pools = new Pools();
  pools.declare(ledger.setCapacity('robot', 2000), 'robot', ['r1', 'r2']);
  return { ledger, requirements: new Requirements(ledger.types, pools, ledger.shapes) };
}

describe('Requirements', () => {
  it('answers a request like the one before with the same shape, and anything else afresh', () => {
    const { requirements } = setUp();
    const one = requirements.resolve([{ type: 'cpu', amount: 1 }]);
    // The same requirements in new objects (as parsed from each message).
    expect(requirements.resolve([{ type: 'cpu', amount: 1 }])).toBe(one);
    expect(requirements.resolve([{ type: 'cpu', amount: 1.5 }]).units).toEqual([1500]);
    expect(requirements.resolve([{ type: 'gpu', amount: 1 }]).types).toEqual([1]);
    expect(requirements.resolve([{ type: 'cpu', amount: 1 }, { type: 'gpu', amount: 1 }])).toMatchObject({ types: [0, 1], units: [1000, 1000] });
    expect(requirements.resolve([{ type: 'cpu', amount: 1 }])).toBe(one);
  });

  it('refuses a bad request after a good one of the same start, and takes the good one again after', () => {
    const { requirements } = setUp();
    const good = [{ type: 'cpu', amount: 1 }];
    const shape = requirements.resolve(good);
    for (const bad of [
      [{ type: 'cpu', amount: 1 }, { type: 'cpu', amount: 1 }],
      [{ type: 'cpu', amount: 0 }],
      [{ type: 'cpu', amount: Number.NaN }],
      [{ type: 'cpu', amount: 1.0001 }],
      [{ type: 'tpu', amount: 1 }],
      [{ type: 'robot', amount: 0.5 }],
    ]) {
      expect(codeOf(() => requirements.resolve(bad))).toBe(12);
      expect(requirements.resolve(good)).toBe(shape);
      expect(codeOf(() => requirements.resolve(bad))).toBe(12);
    }
  });
});
