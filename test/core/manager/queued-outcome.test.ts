import { describe, expect, it } from 'vitest';
import { ResourceManager, type AllocateOutcome } from '../../../src/core/manager.js';

function queued(o: AllocateOutcome): Extract<AllocateOutcome, { kind: 'queued' }> {
  if (o.kind !== 'queued') throw new Error('expected queued');
  return o;
}

describe('a queued outcome', () => {
  it('keeps the free amounts it was queued with, whatever happens later', () => {
    const m = new ResourceManager({ capacity: [['cpu', 4], ['gpu', 2]], clock: () => 0 });
    const need = (msgId: number, cpu: number, gpu: number): AllocateOutcome =>
      m.allocate({ src: 'c', msgId, via: 'n' }, [{ type: 'cpu', amount: cpu }, { type: 'gpu', amount: gpu }]);
    const held = need(1, 3, 1);
    if (held.kind !== 'granted') throw new Error('expected a grant');
    const first = queued(need(2, 2, 1));
    expect(first.available).toEqual([1000, 1000]);
    expect(queued(need(3, 4, 1)).available).toEqual([1000, 1000]);
    // Other types, or other amounts free; the first one is unchanged.
    const gpuOnly = queued(m.allocate({ src: 'c', msgId: 4, via: 'n' }, [{ type: 'gpu', amount: 2 }]));
    expect(gpuOnly.available).toEqual([1000]);
    // The release grants request 2 (2 cpu, 1 gpu): 2 cpu and 1 gpu are free after it.
    m.release(held.allocation);
    const later = queued(need(5, 4, 3));
    expect(later.available).toEqual([2000, 1000]);
    expect(first.available).toEqual([1000, 1000]);
  });
});
