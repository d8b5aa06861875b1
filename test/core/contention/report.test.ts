import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';

// contention's pressure (docs/contention.md#contention, choice 3): 3 decimals, half up.
describe('contention pressure', () => {
  it('rounds an exact half up, whatever binary floating point makes of the ratio', () => {
    const m = new ResourceManager({ capacity: [['cpu', 2], ['gpu', 0.4]], clock: () => 0, idPrefix: 'a' });
    m.allocate({ src: 'h', msgId: 1, via: 'n' }, [{ type: 'cpu', amount: 1.001 }]);
    m.allocate({ src: 'h', msgId: 2, via: 'n' }, [{ type: 'gpu', amount: 0.201 }]);
    // 1.001 / 2 = 0.5005 and 0.201 / 0.4 = 0.5025, exactly halves.
    expect(m.contention().resources.map((r) => r.pressure)).toEqual([0.501, 0.503]);
  });

  it('stays exact for the largest amounts', () => {
    const m = new ResourceManager({ capacity: [['cpu', 1e12]], clock: () => 0, idPrefix: 'a' });
    m.allocate({ src: 'h', msgId: 1, via: 'n' }, [{ type: 'cpu', amount: 1e12 }]);
    m.allocate({ src: 'w', msgId: 2, via: 'n' }, [{ type: 'cpu', amount: 0.001 }]);
    // (1e12 + 0.001) / 1e12 = 1 + 1e-15: 1.000.
    expect(m.contention().resources[0]!.pressure).toBe(1);
  });
});
