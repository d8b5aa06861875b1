import { describe, expect, it } from 'vitest';
import { TestNode, allocate, release } from './helpers.js';

describe('core exchanges, whole envelopes', () => {
  it('allocate that fits: allocated with the requested types in request order', () => {
    const n = new TestNode();
    expect(n.send('c1', allocate(1, { cpu: 2, memory: 4 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"cpu":2,"memory":4}}}',
    ]);
    expect(n.send('c1', allocate(2, { memory: 1, cpu: 1 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":2,"allocation_id":"alloc-2","resources":{"memory":1,"cpu":1}}}',
    ]);
  });

  it('allocate that does not fit: queued with available and required in request order', () => {
    const n = new TestNode();
    expect(n.send('c1', allocate(2, { gpu: 4 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"queued","in_reply_to":2,"reason":"Insufficient resources","available":{"gpu":2},"required":4}}',
    ]);
    n.send('c1', allocate(3, { cpu: 7 }));
    // memory fits, cpu (1 free) does not: required is cpu's amount, the first that does not fit.
    expect(n.one('c2', allocate(4, { memory: 2, cpu: 3, gpu: 1 }))).toEqual({
      type: 'queued',
      in_reply_to: 4,
      reason: 'Insufficient resources',
      available: { memory: 16, cpu: 1, gpu: 2 },
      required: 3,
    });
  });

  it('a request larger than the whole capacity is queued, not refused', () => {
    const n = new TestNode();
    expect(n.one('c1', allocate(1, { cpu: 100 }))).toEqual({ type: 'queued', in_reply_to: 1, reason: 'Insufficient resources', available: { cpu: 8 }, required: 100 });
  });

  it('release: released with resources_freed, then a drain of what now fits', () => {
    const n = new TestNode();
    n.send('c1', allocate(1, { cpu: 6 }));
    expect(n.send('c1', release(2, 'alloc-1', 'completed'))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"released","in_reply_to":2,"allocation_id":"alloc-1","resources_freed":{"cpu":6}}}',
    ]);
  });

  it('a drain sends allocated to each original client with its original msg_id, after released, in grant order', () => {
    const n = new TestNode();
    n.send('holder', allocate(1, { cpu: 8 }));
    n.send('a', allocate(10, { cpu: 5 }));
    n.send('b', allocate(20, { cpu: 6, gpu: 1 }));
    n.send('c', allocate(30, { cpu: 3 }));
    n.send('d', allocate(40, { gpu: 3 }));
    expect(n.send('holder', release(2, 'alloc-1'))).toEqual([
      '{"src":"n1","dest":"holder","body":{"type":"released","in_reply_to":2,"allocation_id":"alloc-1","resources_freed":{"cpu":8}}}',
      // a (5) fits; b (6) no longer does and is skipped; c (3) fits; d never can.
      '{"src":"n1","dest":"a","body":{"type":"allocated","in_reply_to":10,"allocation_id":"alloc-2","resources":{"cpu":5}}}',
      '{"src":"n1","dest":"c","body":{"type":"allocated","in_reply_to":30,"allocation_id":"alloc-3","resources":{"cpu":3}}}',
    ]);
    expect(n.send('a', release(11, 'alloc-2'))).toEqual([
      '{"src":"n1","dest":"a","body":{"type":"released","in_reply_to":11,"allocation_id":"alloc-2","resources_freed":{"cpu":5}}}',
    ]);
    expect(n.send('c', release(31, 'alloc-3'))).toEqual([
      '{"src":"n1","dest":"c","body":{"type":"released","in_reply_to":31,"allocation_id":"alloc-3","resources_freed":{"cpu":3}}}',
      '{"src":"n1","dest":"b","body":{"type":"allocated","in_reply_to":20,"allocation_id":"alloc-4","resources":{"cpu":6,"gpu":1}}}',
    ]);
  });

  it('fifo: nothing passes a waiting request; a fitting latecomer is queued behind it', () => {
    const n = new TestNode({ policy: 'fifo' });
    n.send('c1', allocate(1, { cpu: 6 }));
    n.send('c2', allocate(2, { cpu: 4 }));
    expect(n.send('c3', allocate(3, { cpu: 1 }))).toEqual([
      '{"src":"n1","dest":"c3","body":{"type":"queued","in_reply_to":3,"reason":"Waiting behind earlier requests","available":{"cpu":2},"required":1}}',
    ]);
    expect(n.call('c1', release(4, 'alloc-1')).map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['c1', 'released', 4],
      ['c2', 'allocated', 2],
      ['c3', 'allocated', 3],
    ]);
  });

  it('releasing twice answers the same resources_freed and frees nothing', () => {
    const n = new TestNode();
    n.send('c1', allocate(1, { cpu: 4, gpu: 1 }));
    const first = n.one('c1', release(2, 'alloc-1'));
    n.send('c2', allocate(3, { cpu: 8 }));
    const again = n.send('c1', release(4, 'alloc-1', 'completed'));
    expect(again).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"released","in_reply_to":4,"allocation_id":"alloc-1","resources_freed":{"cpu":4,"gpu":1}}}',
    ]);
    expect({ ...first, in_reply_to: 4 }).toEqual(JSON.parse(again[0]!).body);
    // The retry freed nothing: all 8 cpus are still held by c2.
    expect(n.one('c3', allocate(5, { cpu: 1 }))).toMatchObject({ type: 'queued', available: { cpu: 0 } });
  });

  it('submit_job: the protocol example, then totals that accumulate', () => {
    const n = new TestNode();
    expect(n.send('c1', { type: 'submit_job', msg_id: 4, category: 'heavy', concurrency_limit: 2, jobs: 3 })).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"jobs_submitted","in_reply_to":4,"queued":1,"running":2,"waiting":1}}',
    ]);
    // jobs defaults to 1 and the limit is remembered.
    expect(n.send('c2', { type: 'submit_job', msg_id: 5, category: 'heavy' })).toEqual([
      '{"src":"n1","dest":"c2","body":{"type":"jobs_submitted","in_reply_to":5,"queued":1,"running":2,"waiting":2}}',
    ]);
    // Lowering the limit stops nothing.
    expect(n.one('c1', { type: 'submit_job', msg_id: 6, category: 'heavy', concurrency_limit: 1, jobs: 1 })).toEqual({
      type: 'jobs_submitted',
      in_reply_to: 6,
      queued: 1,
      running: 2,
      waiting: 3,
    });
    expect(n.one('c1', { type: 'submit_job', msg_id: 7, category: 'light', concurrency_limit: 5, jobs: 2 })).toEqual({
      type: 'jobs_submitted',
      in_reply_to: 7,
      queued: 0,
      running: 2,
      waiting: 0,
    });
  });

  it('init: init_ok with exactly type and in_reply_to', () => {
    const n = new TestNode();
    expect(n.send('c0', { type: 'init', msg_id: 1, node_id: 'n7', node_ids: ['n7', 'n8'] })).toEqual(['{"src":"n7","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}']);
    expect(n.send('c0', { type: 'init', msg_id: 2, node_id: 'n9' })).toEqual(['{"src":"n9","dest":"c0","body":{"type":"init_ok","in_reply_to":2}}']);
  });

  it('ignores unknown envelope and body fields', () => {
    const n = new TestNode();
    const line = JSON.stringify({ id: 17, src: 'c1', dest: 'n1', extra: true, body: { ...allocate(1, { cpu: 1 }), note: 'x' } });
    expect(n.line(line)).toEqual(['{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"cpu":1}}}']);
  });
});

describe('exact amounts', () => {
  it('0.001 steps never drift over many operations', () => {
    const n = new TestNode({ capacity: [['cpu', 1]] });
    for (let i = 1; i <= 1000; i++) expect(n.one('c1', allocate(i, { cpu: 0.001 })).type).toBe('allocated');
    expect(n.one('c1', allocate(1001, { cpu: 0.001 }))).toEqual({ type: 'queued', in_reply_to: 1001, reason: 'Insufficient resources', available: { cpu: 0 }, required: 0.001 });
    // Releasing one grants the waiting request; then give back all but that one.
    const drained = n.call('c1', release(2000, 'alloc-1'));
    expect(drained.map((m) => m.body)).toEqual([
      { type: 'released', in_reply_to: 2000, allocation_id: 'alloc-1', resources_freed: { cpu: 0.001 } },
      { type: 'allocated', in_reply_to: 1001, allocation_id: 'alloc-1001', resources: { cpu: 0.001 } },
    ]);
    for (let i = 2; i <= 1000; i++) n.send('c1', release(2000 + i, `alloc-${i}`));
    expect(n.one('c2', allocate(3001, { cpu: 0.999 }))).toMatchObject({ type: 'allocated', resources: { cpu: 0.999 } });
    expect(n.one('c2', allocate(3002, { cpu: 0.001 }))).toEqual({ type: 'queued', in_reply_to: 3002, reason: 'Insufficient resources', available: { cpu: 0 }, required: 0.001 });
  });

  it('reports sums exactly where floats would not (0.1 + 0.2)', () => {
    const n = new TestNode({ capacity: [['cpu', 1]] });
    n.send('c1', allocate(1, { cpu: 0.1 }));
    n.send('c1', allocate(2, { cpu: 0.2 }));
    expect(n.send('c1', allocate(3, { cpu: 0.8 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"queued","in_reply_to":3,"reason":"Insufficient resources","available":{"cpu":0.7},"required":0.8}}',
    ]);
  });

  it('accepts large 3-decimal amounts exactly', () => {
    const n = new TestNode({ capacity: [['cpu', 1e12]] });
    expect(n.send('c1', allocate(1, { cpu: 66810.567 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"cpu":66810.567}}}',
    ]);
    expect(n.one('c1', allocate(2, { cpu: 188018109106.662 }))).toMatchObject({ type: 'allocated', resources: { cpu: 188018109106.662 } });
    expect(n.one('c1', allocate(3, { cpu: 1e12 }))).toMatchObject({ type: 'queued', available: { cpu: 811981824082.771 } });
  });
});
