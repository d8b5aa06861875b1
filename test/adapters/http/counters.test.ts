import { describe, expect, it } from 'vitest';
import { JOB_STATUS_LABELS, MESSAGE_TYPES, NodeCounters, OTHER_LABEL, WAIT_BUCKETS } from '../../../src/adapters/http/counters.js';
import { ResourceNode } from '../../../src/server/node.js';

function counted(): { node: ResourceNode; counters: NodeCounters; send: (src: string, body: object) => string[] } {
  let node!: ResourceNode;
  const counters = new NodeCounters(() => node.now());
  node = new ResourceNode({ deterministic: true, capacity: [['gpu', 1]] }, { store: counters, observer: counters });
  return { node, counters, send: (src, body) => node.handle(JSON.stringify({ src, dest: 'n1', body })) };
}

describe('NodeCounters', () => {
  it('counts grants and their waits on the node clock, a grant at once as 0', () => {
    const { counters, send } = counted();
    send('a', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }] });
    send('b', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }] });
    send('ops', { type: 'tick', msg_id: 1, ms: 7000 });
    send('a', { type: 'release', msg_id: 2, allocation_id: 'alloc-1' });
    expect(counters.grants).toBe(2);
    expect(counters.waitCount).toBe(2);
    expect(counters.waitSum).toBe(7);
    // 0 falls in the first bucket, 7 s in the one up to 10 s.
    expect(counters.waitBuckets[0]).toBe(1);
    expect(counters.waitBuckets[WAIT_BUCKETS.indexOf(10)]).toBe(1);
    expect(counters.releases.get('none')).toBe(1);
  });

  it('keeps at most JOB_STATUS_LABELS job statuses, the rest as (other)', () => {
    const { counters, send } = counted();
    for (let i = 0; i < JOB_STATUS_LABELS + 5; i++) {
      const [reply] = send('a', { type: 'allocate', msg_id: 2 * i, requirements: [{ type: 'gpu', amount: 1 }] });
      const id = (JSON.parse(reply!) as { body: { allocation_id: string } }).body.allocation_id;
      send('a', { type: 'release', msg_id: 2 * i + 1, allocation_id: id, job_status: `status-${i}` });
    }
    expect(counters.releases.size).toBe(JOB_STATUS_LABELS + 1);
    expect(counters.releases.get(OTHER_LABEL)).toBe(5);
  });

  it('counts known message types by name, any other as other, and errors by code', () => {
    const { counters, send } = counted();
    send('a', { type: 'status', msg_id: 1 });
    send('a', { type: 'no_such_type', msg_id: 2 });
    send('a', { type: 'release', msg_id: 3, allocation_id: 'nope' });
    expect(counters.messages[MESSAGE_TYPES.indexOf('status')]).toBe(1);
    expect(counters.messages[MESSAGE_TYPES.length]).toBe(1);
    expect(counters.errors.get(10)).toBe(1);
    expect(counters.errors.get(20)).toBe(1);
    expect(counters.errors.get(12)).toBe(0);
  });
});
