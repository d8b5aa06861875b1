import { describe, expect, it } from 'vitest';
import { Driver, req } from './lifecycle-support.js';

const reply = (type: string, inReplyTo: number, fields: object = {}) => ({ type, in_reply_to: inReplyTo, ...fields });

describe('init', () => {
  it('answers init_ok and names the node from then on', () => {
    const d = new Driver();
    expect(d.send('c1', { type: 'init', msg_id: 1, node_id: 'n7', node_ids: ['n7', 'n8'] })).toEqual([{ src: 'n7', dest: 'c1', body: reply('init_ok', 1) }]);
    expect(d.send('c1', { type: 'status', msg_id: 2 })[0]!.src).toBe('n7');
    expect(d.node.dispatcher.node.nodeIds).toEqual(['n7', 'n8']);
  });
});

describe('status', () => {
  it('reports every field, in order, on a fresh node', () => {
    const d = new Driver();
    const b = d.one('c1', { type: 'status', msg_id: 1 });
    expect(b).toEqual({
      type: 'status_ok',
      in_reply_to: 1,
      capacity: { cpu: 8, memory: 16, gpu: 2 },
      free: { cpu: 8, memory: 16, gpu: 2 },
      allocated: { cpu: 0, memory: 0, gpu: 0 },
      allocations: 0,
      queued: 0,
      categories: {},
      pools: { cpu: { total: 8, free: 8, acquired: 0 }, memory: { total: 16, free: 16, acquired: 0 }, gpu: { total: 2, free: 2, acquired: 0 } },
      job_statuses: {},
    });
    expect(Object.keys(b)).toEqual(['type', 'in_reply_to', 'capacity', 'free', 'allocated', 'allocations', 'queued', 'categories', 'pools', 'job_statuses']);
  });

  it('counts allocations, waiting requests, categories and job statuses with exact amounts', () => {
    const d = new Driver({ capacity: [['cpu', 1], ['memory', 0.3]] });
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 0.1, memory: 0.2 }) });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ cpu: 0.2 }) });
    d.send('c1', { type: 'allocate', msg_id: 3, requirements: req({ memory: 0.2 }) });
    d.send('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-2', job_status: 'failed' });
    d.send('c1', { type: 'submit_job', msg_id: 5, category: 'heavy', concurrency_limit: 2, jobs: 3 });
    d.send('c1', { type: 'submit_job', msg_id: 6, category: 'light', concurrency_limit: 5 });
    const b = d.one('c1', { type: 'status', msg_id: 7 });
    expect(b).toEqual({
      type: 'status_ok',
      in_reply_to: 7,
      capacity: { cpu: 1, memory: 0.3 },
      free: { cpu: 0.9, memory: 0.1 },
      allocated: { cpu: 0.1, memory: 0.2 },
      allocations: 1,
      queued: 1,
      categories: { heavy: { limit: 2, running: 2, waiting: 1 }, light: { limit: 5, running: 1, waiting: 0 } },
      pools: { cpu: { total: 1, free: 0.9, acquired: 0.1 }, memory: { total: 0.3, free: 0.1, acquired: 0.2 } },
      job_statuses: { failed: 1 },
    });
  });

  it('treats __proto__ and constructor as ordinary names everywhere', () => {
    const d = new Driver({ capacity: [['__proto__', 2]] });
    d.send('c1', { type: 'set_capacity', msg_id: 1, resources: { constructor: 1 } });
    d.raw('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":2,"requirements":[{"type":"__proto__","amount":1}]}}');
    d.raw('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":3,"requirements":[{"type":"__proto__","amount":1}]}}');
    d.send('c1', { type: 'submit_job', msg_id: 4, category: '__proto__', concurrency_limit: 1 });
    d.send('c1', { type: 'release', msg_id: 5, allocation_id: 'alloc-1', job_status: '__proto__' });
    const line = d.node.handle('{"src":"c1","dest":"n1","body":{"type":"status","msg_id":6}}')[0]!;
    expect(line).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"status_ok","in_reply_to":6,"capacity":{"__proto__":2,"constructor":1},"free":{"__proto__":1,"constructor":1},' +
        '"allocated":{"__proto__":1,"constructor":0},"allocations":1,"queued":0,"categories":{"__proto__":{"limit":1,"running":1,"waiting":0}},' +
        '"pools":{"__proto__":{"total":2,"free":1,"acquired":1},"constructor":{"total":1,"free":1,"acquired":0}},"job_statuses":{"__proto__":1}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('cancel', () => {
  it('withdraws a waiting request; it is never granted afterwards', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 7, requirements: req({ gpu: 1 }) });
    expect(d.send('c2', { type: 'cancel', msg_id: 8, request_msg_id: 7 })).toEqual([{ src: 'n1', dest: 'c2', body: reply('cancelled', 8, { request_msg_id: 7 }) }]);
    expect(d.send('c1', { type: 'release', msg_id: 2, allocation_id: 'alloc-1' })).toEqual([
      { src: 'n1', dest: 'c1', body: reply('released', 2, { allocation_id: 'alloc-1', resources_freed: { gpu: 2 } }) },
    ]);
    expect(d.one('c1', { type: 'status', msg_id: 3 }).queued).toBe(0);
  });

  it('re-drains: cancelling the head of a fifo queue lets the request behind it in, after the reply', () => {
    const d = new Driver({ policy: 'fifo' });
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 1 }) });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }) });
    expect(d.one('c2', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 1 }) })).toEqual(
      reply('queued', 3, { reason: 'Waiting behind earlier requests', available: { gpu: 1 }, required: 1 }),
    );
    expect(d.send('c1', { type: 'cancel', msg_id: 4, request_msg_id: 2 })).toEqual([
      { src: 'n1', dest: 'c1', body: reply('cancelled', 4, { request_msg_id: 2 }) },
      { src: 'n1', dest: 'c2', body: reply('allocated', 3, { allocation_id: 'alloc-2', resources: { gpu: 1 } }) },
    ]);
  });
});

describe('timeouts', () => {
  it('a waiting request that times out gets error code 0 in reply to its allocate, after tick_ok, and is gone', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 5, requirements: req({ gpu: 1 }), timeout_ms: 100 });
    expect(d.send('c1', { type: 'tick', msg_id: 2, ms: 99 })).toEqual([{ src: 'n1', dest: 'c1', body: reply('tick_ok', 2, { now_ms: 99 }) }]);
    expect(d.send('c1', { type: 'tick', msg_id: 3, ms: 1 })).toEqual([
      { src: 'n1', dest: 'c1', body: reply('tick_ok', 3, { now_ms: 100 }) },
      { src: 'n1', dest: 'c2', body: reply('error', 5, { code: 0, text: 'allocate timed out after 100 ms waiting for resources' }) },
    ]);
    expect(d.send('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1' })).toHaveLength(1);
    expect(d.error('c2', { type: 'cancel', msg_id: 6, request_msg_id: 5 }, 20)).toBe('no waiting request with msg_id 5 from "c2"');
  });

  it('a request granted at once has no timeout; a granted one never times out', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 1 }), timeout_ms: 10 });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }), timeout_ms: 10 });
    d.send('c1', { type: 'release', msg_id: 3, allocation_id: 'alloc-1' });
    expect(d.send('c1', { type: 'tick', msg_id: 4, ms: 1000 })).toEqual([{ src: 'n1', dest: 'c1', body: reply('tick_ok', 4, { now_ms: 1000 }) }]);
  });
});

describe('leases', () => {
  it('an unrenewed lease expires: lease_expired to the holder, then the queue drains', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }), lease_ms: 50 });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 1 }) });
    expect(d.send('c3', { type: 'tick', msg_id: 3, ms: 50 })).toEqual([
      { src: 'n1', dest: 'c3', body: reply('tick_ok', 3, { now_ms: 50 }) },
      { src: 'n1', dest: 'c1', body: { type: 'lease_expired', allocation_id: 'alloc-1', resources_freed: { gpu: 2 } } },
      { src: 'n1', dest: 'c2', body: reply('allocated', 2, { allocation_id: 'alloc-2', resources: { gpu: 1 } }) },
    ]);
    expect(d.error('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" was reclaimed when its lease expired');
  });

  it('renew restarts the lease from now, with the same length unless lease_ms is given', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 1 }), lease_ms: 50 });
    d.send('c1', { type: 'tick', msg_id: 2, ms: 40 });
    expect(d.one('c1', { type: 'renew', msg_id: 3, allocation_id: 'alloc-1' })).toEqual(reply('renewed', 3, { allocation_id: 'alloc-1', lease_ms: 50 }));
    expect(d.send('c1', { type: 'tick', msg_id: 4, ms: 40 })).toHaveLength(1);
    expect(d.one('c1', { type: 'renew', msg_id: 5, allocation_id: 'alloc-1', lease_ms: 200 })).toEqual(reply('renewed', 5, { allocation_id: 'alloc-1', lease_ms: 200 }));
    expect(d.send('c1', { type: 'tick', msg_id: 6, ms: 199 })).toHaveLength(1);
    expect(d.send('c1', { type: 'tick', msg_id: 7, ms: 1 })).toEqual([
      { src: 'n1', dest: 'c1', body: reply('tick_ok', 7, { now_ms: 280 }) },
      { src: 'n1', dest: 'c1', body: { type: 'lease_expired', allocation_id: 'alloc-1', resources_freed: { gpu: 1 } } },
    ]);
  });

  it('renew with lease_ms gives a lease to an allocation that had none', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }) });
    expect(d.one('c1', { type: 'renew', msg_id: 2, allocation_id: 'alloc-1', lease_ms: 10 })).toEqual(reply('renewed', 2, { allocation_id: 'alloc-1', lease_ms: 10 }));
    expect(d.send('c1', { type: 'tick', msg_id: 3, ms: 10 })[1]!.body.type).toBe('lease_expired');
  });

  it('a lease starts when a waiting request is granted, not when it was sent', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }), lease_ms: 30 });
    d.send('c1', { type: 'tick', msg_id: 3, ms: 100 });
    expect(d.send('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1' })[1]!.body.type).toBe('allocated');
    expect(d.send('c1', { type: 'tick', msg_id: 5, ms: 29 })).toHaveLength(1);
    expect(d.send('c1', { type: 'tick', msg_id: 6, ms: 1 })[1]!.body).toEqual({ type: 'lease_expired', allocation_id: 'alloc-2', resources_freed: { gpu: 2 } });
  });
});

describe('tick', () => {
  it('fires everything due in deadline order, each followed by what it caused', () => {
    const d = new Driver();
    d.send('h', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }), lease_ms: 20 });
    d.send('a', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }), timeout_ms: 10 });
    d.send('b', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 1 }), timeout_ms: 30, lease_ms: 5 });
    d.send('c', { type: 'allocate', msg_id: 4, requirements: req({ gpu: 2 }), timeout_ms: 30 });
    const out = d.send('t', { type: 'tick', msg_id: 5, ms: 100 });
    expect(out.map((m) => [m.dest, m.body.type, m.body.in_reply_to ?? m.body.allocation_id])).toEqual([
      ['t', 'tick_ok', 5],
      ['a', 'error', 2], // timeout at 10
      ['h', 'lease_expired', 'alloc-1'], // lease at 20
      ['b', 'allocated', 3], // granted at 20, its lease runs from the tick's now
      ['c', 'error', 4], // timeout at 30: b holds one gpu, so c still waits
    ]);
    expect(d.send('t', { type: 'tick', msg_id: 6, ms: 5 }).map((m) => m.body.type)).toEqual(['tick_ok', 'lease_expired']);
  });

  it('tick 0 answers the current clock and fires what is due now', () => {
    const d = new Driver();
    expect(d.one('c1', { type: 'tick', msg_id: 1, ms: 0 })).toEqual(reply('tick_ok', 1, { now_ms: 0 }));
  });
});

describe('deadlines on real time', () => {
  it('overdue deadlines are written before the reply to the next message', () => {
    let now = 1000;
    const d = new Driver({ deterministic: false }, () => now);
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }), lease_ms: 50 });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }), timeout_ms: 100 });
    expect(d.node.nextDeadline()).toBe(1050);
    now = 1060;
    expect(d.send('c3', { type: 'status', msg_id: 3 }).map((m) => [m.dest, m.body.type])).toEqual([
      ['c1', 'lease_expired'],
      ['c2', 'allocated'],
      ['c3', 'status_ok'],
    ]);
    expect(d.node.fireDeadlines()).toEqual([]);
  });

  it('fireDeadlines (the edge timer) writes what fell due', () => {
    let now = 0;
    const d = new Driver({ deterministic: false }, () => now);
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }), timeout_ms: 100 });
    now = 99;
    expect(d.node.fireDeadlines()).toEqual([]);
    now = 100;
    expect(d.node.fireDeadlines().map((l) => JSON.parse(l))).toEqual([
      { src: 'n1', dest: 'c2', body: reply('error', 2, { code: 0, text: 'allocate timed out after 100 ms waiting for resources' }) },
    ]);
    expect(d.node.nextDeadline()).toBe(Infinity);
  });
});

describe('request_id', () => {
  it('a retry of a granted request answers the same allocation, in reply to the retry', () => {
    const d = new Driver();
    const first = d.one('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 2 }), request_id: 'k1' });
    expect(first).toEqual(reply('allocated', 1, { allocation_id: 'alloc-1', resources: { cpu: 2 } }));
    expect(d.one('c1', { type: 'allocate', msg_id: 2, requirements: req({ cpu: 2 }), request_id: 'k1' })).toEqual(reply('allocated', 2, { allocation_id: 'alloc-1', resources: { cpu: 2 } }));
    expect(d.one('c1', { type: 'status', msg_id: 3 }).allocated).toEqual({ cpu: 2, memory: 0, gpu: 0 });
  });

  it('a retry of a waiting request answers queued and adds nothing; the grant answers the first msg_id', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 1 }), request_id: 'k' });
    expect(d.one('c2', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 1 }), request_id: 'k' })).toEqual(
      reply('queued', 3, { reason: 'Insufficient resources', available: { gpu: 0 }, required: 1 }),
    );
    expect(d.one('c1', { type: 'status', msg_id: 4 }).queued).toBe(1);
    const out = d.send('c1', { type: 'release', msg_id: 5, allocation_id: 'alloc-1' });
    expect(out[1]).toEqual({ src: 'n1', dest: 'c2', body: reply('allocated', 2, { allocation_id: 'alloc-2', resources: { gpu: 1 } }) });
    expect(d.one('c2', { type: 'allocate', msg_id: 6, requirements: req({ gpu: 1 }), request_id: 'k' })).toEqual(reply('allocated', 6, { allocation_id: 'alloc-2', resources: { gpu: 1 } }));
  });

  it('keys are per client: the same key from another src is another request', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }), request_id: 'k' });
    expect(d.one('c2', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }), request_id: 'k' }).allocation_id).toBe('alloc-2');
  });

  it('a retry after release still answers the original allocation and frees or takes nothing', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }), request_id: 'k' });
    d.send('c1', { type: 'release', msg_id: 2, allocation_id: 'alloc-1' });
    expect(d.one('c1', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 2 }), request_id: 'k' }).allocation_id).toBe('alloc-1');
    expect(d.one('c1', { type: 'status', msg_id: 4 }).free).toEqual({ cpu: 8, memory: 16, gpu: 2 });
  });
});

describe('priority', () => {
  it('higher priority waits in front; ties go by arrival', () => {
    const d = new Driver();
    d.send('h', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }) });
    d.send('a', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }) });
    d.send('b', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 2 }), priority: 5 });
    d.send('c', { type: 'allocate', msg_id: 4, requirements: req({ gpu: 2 }), priority: 5 });
    d.send('e', { type: 'allocate', msg_id: 5, requirements: req({ gpu: 2 }), priority: -1 });
    const order: string[] = [];
    // Each holder releases in turn: the one granted last.
    let holder = 'h';
    for (let i = 0; i < 4; i++) {
      const out = d.send(holder, { type: 'release', msg_id: 10 + i, allocation_id: `alloc-${i + 1}` });
      holder = out[1]!.dest;
      order.push(holder);
    }
    expect(order).toEqual(['b', 'c', 'a', 'e']);
  });

  it('a higher-priority request that fits is granted even in fifo mode; a lower one waits behind', () => {
    const d = new Driver({ policy: 'fifo' });
    d.send('h', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 1 }) });
    d.send('a', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 2 }) });
    expect(d.one('b', { type: 'allocate', msg_id: 3, requirements: req({ gpu: 1 }), priority: 1 }).type).toBe('allocated');
    d.send('b', { type: 'release', msg_id: 4, allocation_id: 'alloc-2' });
    expect(d.one('c', { type: 'allocate', msg_id: 5, requirements: req({ gpu: 1 }) })).toEqual(
      reply('queued', 5, { reason: 'Waiting behind earlier requests', available: { gpu: 1 }, required: 1 }),
    );
  });
});

describe('set_capacity', () => {
  it('grows a type, adds a new one, and grants what now fits after the reply', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 4 }) });
    d.send('c2', { type: 'allocate', msg_id: 2, requirements: req({ tpu: 1 }) }); // unknown type: 12
    expect(d.send('c3', { type: 'set_capacity', msg_id: 3, resources: { gpu: 4, tpu: 1.5 } })).toEqual([
      { src: 'n1', dest: 'c3', body: reply('capacity_updated', 3, { capacity: { cpu: 8, memory: 16, gpu: 4, tpu: 1.5 } }) },
      { src: 'n1', dest: 'c1', body: reply('allocated', 1, { allocation_id: 'alloc-1', resources: { gpu: 4 } }) },
    ]);
    expect(d.one('c2', { type: 'allocate', msg_id: 4, requirements: req({ tpu: 1 }) }).type).toBe('allocated');
  });

  it('shrinks below what is held: free reads 0, nothing is preempted, nothing new is granted until enough is freed', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 6 }) });
    expect(d.one('c1', { type: 'set_capacity', msg_id: 2, resources: { cpu: 4 } })).toEqual(reply('capacity_updated', 2, { capacity: { cpu: 4, memory: 16, gpu: 2 } }));
    const s = d.one('c1', { type: 'status', msg_id: 3 });
    expect([s.capacity, s.free, s.allocated, s.allocations]).toEqual([{ cpu: 4, memory: 16, gpu: 2 }, { cpu: 0, memory: 16, gpu: 2 }, { cpu: 6, memory: 0, gpu: 0 }, 1]);
    expect(d.one('c2', { type: 'allocate', msg_id: 4, requirements: req({ cpu: 1 }) })).toEqual(reply('queued', 4, { reason: 'Insufficient resources', available: { cpu: 0 }, required: 1 }));
    expect(d.send('c1', { type: 'release', msg_id: 5, allocation_id: 'alloc-1' }).map((m) => m.body.type)).toEqual(['released', 'allocated']);
  });

  it('capacity 0 is allowed', () => {
    const d = new Driver();
    expect(d.one('c1', { type: 'set_capacity', msg_id: 1, resources: { gpu: 0 } }).capacity).toEqual({ cpu: 8, memory: 16, gpu: 0 });
  });

  it('takes any amount with 3 decimals exactly, large ones included', () => {
    const d = new Driver();
    expect(d.one('c1', { type: 'set_capacity', msg_id: 1, resources: { cpu: 66810.567, gpu: 999999999999.999 } }).capacity).toEqual({ cpu: 66810.567, memory: 16, gpu: 999999999999.999 });
  });
});

describe('complete_job', () => {
  it('completes the oldest running job when no id is given and starts the next, announcing it to its submitter', () => {
    const d = new Driver();
    d.send('c1', { type: 'submit_job', msg_id: 1, category: 'heavy', concurrency_limit: 2, jobs: 2 });
    d.send('c2', { type: 'submit_job', msg_id: 2, category: 'heavy', jobs: 2 });
    expect(d.send('c3', { type: 'complete_job', msg_id: 3, category: 'heavy' })).toEqual([
      { src: 'n1', dest: 'c3', body: reply('job_completed', 3, { category: 'heavy', job_id: 'heavy#1', running: 2, waiting: 1, started: ['heavy#3'] }) },
      { src: 'n1', dest: 'c2', body: { type: 'job_started', category: 'heavy', job_id: 'heavy#3' } },
    ]);
    expect(d.send('c3', { type: 'complete_job', msg_id: 4, category: 'heavy', job_id: 'heavy#3' })).toEqual([
      { src: 'n1', dest: 'c3', body: reply('job_completed', 4, { category: 'heavy', job_id: 'heavy#3', running: 2, waiting: 0, started: ['heavy#4'] }) },
      { src: 'n1', dest: 'c2', body: { type: 'job_started', category: 'heavy', job_id: 'heavy#4' } },
    ]);
  });

  it('starts nothing when the cap was lowered below the running count', () => {
    const d = new Driver();
    d.send('c1', { type: 'submit_job', msg_id: 1, category: 'x', concurrency_limit: 3, jobs: 4 });
    d.send('c1', { type: 'submit_job', msg_id: 2, category: 'x', concurrency_limit: 1, jobs: 1 });
    expect(d.send('c1', { type: 'complete_job', msg_id: 3, category: 'x' })).toEqual([
      { src: 'n1', dest: 'c1', body: reply('job_completed', 3, { category: 'x', job_id: 'x#1', running: 2, waiting: 2, started: [] }) },
    ]);
  });
});
