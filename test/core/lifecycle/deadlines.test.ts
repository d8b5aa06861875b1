import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from '../../../src/core/lifecycle/deadlines.js';
import { ResourceManager } from '../../../src/core/manager.js';

describe('DeadlineHeap', () => {
  it('pops in deadline order, ties in push order', () => {
    const h = new DeadlineHeap<string>();
    for (const [at, v] of [[5, 'a'], [1, 'b'], [5, 'c'], [3, 'd'], [1, 'e']] as const) h.push(at, v);
    const out: string[] = [];
    for (let v = h.popDue(10); v !== undefined; v = h.popDue(10)) out.push(v);
    expect(out).toEqual(['b', 'e', 'd', 'a', 'c']);
    expect(h.next()).toBe(Infinity);
  });

  it('pops nothing before it is due', () => {
    const h = new DeadlineHeap<string>();
    h.push(10, 'x');
    expect(h.popDue(9)).toBeUndefined();
    expect(h.next()).toBe(10);
    expect(h.popDue(10)).toBe('x');
  });

  it('drops stale entries so that it stays within about twice the live ones, keeping order', () => {
    const live = new Set<number>();
    const h = new DeadlineHeap<number>((n) => live.has(n));
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      live.add(i);
      if (i >= 10) live.delete(i - 10); // only the last 10 pushed are ever current
      h.push(100_000 - i, i);
      max = Math.max(max, h.size);
    }
    expect(max).toBeLessThanOrEqual(2048);
    const out: number[] = [];
    for (let v = h.popDue(Infinity); v !== undefined; v = h.popDue(Infinity)) if (live.has(v)) out.push(v);
    expect(out).toEqual([99_999, 99_998, 99_997, 99_996, 99_995, 99_994, 99_993, 99_992, 99_991, 99_990]);
  });
});

describe('deadlines in the manager stay bounded', () => {
  const manager = (now: { t: number }) => {
    let n = 0;
    return new ResourceManager({ capacity: [['cpu', 1]], clock: () => now.t, newId: () => `a${++n}` });
  };

  it('renewing one lease 100,000 times keeps the heap small', () => {
    const now = { t: 0 };
    const m = manager(now);
    const out = m.allocate({ src: 'c', msgId: 1, via: 'n' }, [{ type: 'cpu', amount: 1 }], { leaseMs: 1_000_000 });
    if (out.kind !== 'granted') throw new Error('expected a grant');
    for (let i = 0; i < 100_000; i++) {
      now.t++;
      m.renew(out.allocation.id);
    }
    expect(m.pendingDeadlines).toBeLessThanOrEqual(1024);
    now.t += 1_000_000;
    expect(m.advance().map((e) => e.kind)).toEqual(['lease_expired']);
  });

  it('timeouts of requests granted long before their deadline do not pile up', () => {
    const now = { t: 0 };
    const m = manager(now);
    let held = m.allocate({ src: 'c', msgId: 0, via: 'n' }, [{ type: 'cpu', amount: 1 }]);
    for (let i = 1; i <= 50_000; i++) {
      m.allocate({ src: 'c', msgId: i, via: 'n' }, [{ type: 'cpu', amount: 1 }], { timeoutMs: 2_000_000_000 });
      if (held.kind !== 'granted') throw new Error('expected a grant');
      const { events } = m.release(held.allocation.id);
      const g = events[0];
      if (g?.kind !== 'granted') throw new Error('expected the waiting request to be granted');
      held = { kind: 'granted', allocation: g.allocation };
    }
    expect(m.pendingDeadlines).toBeLessThanOrEqual(1024);
  });

  it('100,000 waiting requests with timeouts share one heap and time out in order', () => {
    const now = { t: 0 };
    const m = manager(now);
    m.allocate({ src: 'c', msgId: 0, via: 'n' }, [{ type: 'cpu', amount: 1 }]);
    for (let i = 1; i <= 100_000; i++) m.allocate({ src: 'c', msgId: i, via: 'n' }, [{ type: 'cpu', amount: 1 }], { timeoutMs: 1 + (i % 1000) });
    expect(m.waiting).toBe(100_000);
    expect(m.nextDeadline()).toBe(1);
    now.t = 500;
    const first = m.advance();
    expect(first).toHaveLength(50_000);
    now.t = 1000;
    const rest = m.advance();
    expect(rest).toHaveLength(50_000);
    const deadlines = [...first, ...rest].map((e) => (e.kind === 'timed_out' ? e.request.deadline : -1));
    expect(deadlines.every((d, i) => i === 0 || deadlines[i - 1]! <= d)).toBe(true);
    expect(m.waiting).toBe(0);
    expect(m.pendingDeadlines).toBe(0);
  });
});
