import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';

describe('request_id keys are remembered within bounds, and waiting ones never forgotten', () => {
  const make = () => {
    let n = 0;
    return new ResourceManager({ capacity: [['cpu', 1], ['gpu', 1]], clock: () => 0, newId: () => `a${++n}`, remember: 3 });
  };
  const cpu = [{ type: 'cpu', amount: 1 }];
  const gpu = [{ type: 'gpu', amount: 5 }];

  it('a retry of a long-waiting request is still the same request after many other keys', () => {
    const m = make();
    expect(m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu, { requestId: 'slow' }).kind).toBe('queued');
    for (let i = 0; i < 10; i++) {
      const out = m.allocate({ src: 'c', msgId: 10 + i, via: 'n' }, cpu, { requestId: `k${i}` });
      if (out.kind !== 'granted') throw new Error('expected a grant');
      m.release(out.allocation.id);
    }
    const retry = m.allocate({ src: 'c', msgId: 99, via: 'n' }, gpu, { requestId: 'slow' });
    expect(retry.kind).toBe('queued');
    expect(m.waiting).toBe(1);
  });

  it('outcomes are remembered for the last `remember` keys only', () => {
    const m = make();
    for (let i = 0; i < 4; i++) {
      const out = m.allocate({ src: 'c', msgId: i, via: 'n' }, cpu, { requestId: `k${i}` });
      if (out.kind !== 'granted') throw new Error('expected a grant');
      m.release(out.allocation.id);
    }
    const recent = m.allocate({ src: 'c', msgId: 10, via: 'n' }, cpu, { requestId: 'k3' });
    expect(recent.kind === 'granted' && recent.allocation.id).toBe('a4');
    const forgotten = m.allocate({ src: 'c', msgId: 11, via: 'n' }, cpu, { requestId: 'k0' });
    expect(forgotten.kind === 'granted' && forgotten.allocation.id).toBe('a5');
  });

  it('a key leaves the waiting set when its request is granted, cancelled or times out', () => {
    const m = make();
    const first = m.allocate({ src: 'c', msgId: 1, via: 'n' }, cpu);
    m.allocate({ src: 'c', msgId: 2, via: 'n' }, cpu, { requestId: 'g' });
    m.allocate({ src: 'c', msgId: 3, via: 'n' }, gpu, { requestId: 'x' });
    m.cancel('c', 3);
    if (first.kind !== 'granted') throw new Error('expected a grant');
    m.release(first.allocation.id);
    const g = m.allocate({ src: 'c', msgId: 4, via: 'n' }, cpu, { requestId: 'g' });
    expect(g.kind === 'granted' && g.allocation.id).toBe('a2');
    expect(() => m.allocate({ src: 'c', msgId: 5, via: 'n' }, gpu, { requestId: 'x' })).toThrow('requestId "x" was cancelled');
  });

  it('keys are unambiguous: no two (client, request_id) pairs share one', () => {
    const m = make();
    const first = m.allocate({ src: 'a', msgId: 1, via: 'n' }, cpu, { requestId: 'b\u0000c' });
    expect(first.kind).toBe('granted');
    // Another client, whose name and request_id joined the same way would look alike.
    const second = m.allocate({ src: 'a\u0000b', msgId: 1, via: 'n' }, [{ type: 'gpu', amount: 1 }], { requestId: 'c' });
    expect(second.kind).toBe('granted');
    if (first.kind !== 'granted' || second.kind !== 'granted') return;
    expect(second.allocation.id).not.toBe(first.allocation.id);
    expect(second.allocation.src).toBe('a\u0000b');
  });
});
