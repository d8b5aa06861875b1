import { describe, expect, it } from 'vitest';
import { Driver, req } from './lifecycle-support.js';

// preempt_notice, preempted and the "Preempting" wait on the wire: addressed to each holder
// through the name it used, in the order docs/policies.md#preemption gives, every body
// checked against its reply schema by the driver.

const allocate = (gpu: number, priority: number) => ({ type: 'allocate', requirements: req({ gpu }), priority });

describe('preemption messages', () => {
  it('at once: allocated to the preemptor, then preempted to each victim through the name it used', () => {
    const d = new Driver({ preemption: 'lower-priority' });
    d.send('low', { ...allocate(1, 0), msg_id: 1 });
    d.raw(JSON.stringify({ src: 'low2', dest: 'node-b', body: { ...allocate(1, 0), msg_id: 1 } }));
    expect(d.send('high', { ...allocate(1, 1), msg_id: 7 })).toEqual([
      { src: 'n1', dest: 'high', body: { type: 'allocated', in_reply_to: 7, allocation_id: 'alloc-3', resources: { gpu: 1 } } },
      { src: 'node-b', dest: 'low2', body: { type: 'preempted', allocation_id: 'alloc-2', resources_freed: { gpu: 1 }, by: 'alloc-3' } },
    ]);
    expect(d.error('low2', { type: 'release', allocation_id: 'alloc-2' }, 22)).toBe('allocation "alloc-2" was preempted by "alloc-3"');
    expect(d.one('c', { type: 'status' }).job_statuses).toEqual({ preempted: 1 });
  });

  it('after a grace: queued "Preempting", a notice to each victim, then allocated and preempted when it runs out', () => {
    const d = new Driver({ preemption: 'lower-priority', preemptionGraceMs: 30 });
    d.send('low', { ...allocate(2, 0), msg_id: 1 });
    expect(d.send('high', { ...allocate(1, 1), msg_id: 7 })).toEqual([
      { src: 'n1', dest: 'high', body: { type: 'queued', in_reply_to: 7, reason: 'Preempting', available: { gpu: 0 }, required: 1 } },
      { src: 'n1', dest: 'low', body: { type: 'preempt_notice', allocation_id: 'alloc-1', grace_ms: 30 } },
    ]);
    expect(d.send('t', { type: 'tick', msg_id: 2, ms: 30 }).map((m) => [m.dest, m.body.type])).toEqual([
      ['t', 'tick_ok'],
      ['high', 'allocated'],
      ['low', 'preempted'],
    ]);
  });

  it('with preemption off, the same requests wait as before', () => {
    const d = new Driver({ preemptionGraceMs: 30 });
    d.send('low', { ...allocate(2, 0), msg_id: 1 });
    expect(d.one('high', { ...allocate(1, 1), msg_id: 7 })).toEqual({ type: 'queued', in_reply_to: 7, reason: 'Insufficient resources', available: { gpu: 0 }, required: 1 });
  });
});
