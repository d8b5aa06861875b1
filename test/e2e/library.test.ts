import { describe, expect, it } from 'vitest';
import { envelope, runNode } from './spawn.js';

// The built library bundle, as a program that embeds the ledger would import it.
const lib = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof import('../../src/index.js');

describe('the built library', () => {
  it('a ResourceNode writes exactly what the built program writes for the same input', async () => {
    const lines = [
      envelope('c1', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }] }),
      envelope('c2', { type: 'allocate', msg_id: 2, requirements: [{ type: 'gpu', amount: 1 }, { type: 'cpu', amount: 0.5 }] }),
      'junk',
      envelope('c3', { type: 'submit_job', msg_id: 3, category: 'heavy', concurrency_limit: 2, jobs: 3 }),
      envelope('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1', job_status: 'completed' }),
      envelope('c1', { type: 'release', msg_id: 5, allocation_id: 'alloc-1' }),
      envelope('c1', { type: 'release', msg_id: 6, allocation_id: 'nope' }),
    ];
    const node = new lib.ResourceNode({ deterministic: true });
    const inProcess = lines.flatMap((l) => node.handle(l));
    const r = await runNode(`${lines.join('\n')}\n`, ['--deterministic']);
    expect(r.code).toBe(0);
    expect(`${inProcess.join('\n')}\n`).toBe(r.stdout);
    expect(inProcess).toHaveLength(7);
  });

  it('exports the pure manager with the same behaviour', () => {
    let n = 0;
    const m = new lib.ResourceManager({ capacity: [['cpu', 2]], clock: () => 0, newId: () => `id-${++n}` });
    const who = (msgId: number) => ({ src: 'c', msgId, via: 'n' });
    expect(m.allocate(who(1), [{ type: 'cpu', amount: 1.5 }])).toMatchObject({ kind: 'granted', allocation: { id: 'id-1', units: [1500] } });
    expect(m.allocate(who(2), [{ type: 'cpu', amount: 1 }])).toMatchObject({ kind: 'queued', reason: 'resources', available: [500], required: 1000 });
    const { events } = m.release('id-1');
    expect(events.map((e) => e.kind === 'granted' && e.allocation.msgId)).toEqual([2]);
    expect(lib.toUnits(0.001)).toBe(1);
    expect(lib.ERRORS['key-does-not-exist'].code).toBe(20);
    expect(() => m.release('nope')).toThrow(lib.CoreError);
  });

  it('explains a waiting request and reports contention', () => {
    let now = 0;
    const m = new lib.ResourceManager({ capacity: [['cpu', 2]], clock: () => now, idPrefix: 'a' });
    m.allocate({ src: 'h', msgId: 1, via: 'n' }, [{ type: 'cpu', amount: 2 }], { leaseMs: 30 });
    m.allocate({ src: 'c', msgId: 7, via: 'n' }, [{ type: 'cpu', amount: 1 }]);
    now = 10;
    expect(m.explain('c', 7)).toMatchObject({ position: 1, waitedMs: 10, reason: 'resources', short: [[0, 1000]], estimatedStartMs: 20, estimateExact: true });
    expect(m.contention()).toMatchObject({ waiting: 1, byReason: [['resources', 1]], oldestWaitMs: 10 });
    expect(() => m.explain('c', 8)).toThrow(lib.CoreError);
  });
});
