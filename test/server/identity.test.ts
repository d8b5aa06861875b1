import { describe, expect, it } from 'vitest';
import { TestNode, allocate, release } from './helpers.js';

describe('identity and envelopes', () => {
  it('before init, a reply comes from the dest the request was sent to', () => {
    const n = new TestNode();
    expect(n.send('c1', allocate(1, { cpu: 1 }), 'n1')).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"cpu":1}}}',
    ]);
    expect(n.send('c2', allocate(2, { cpu: 1 }), 'other')).toEqual([
      '{"src":"other","dest":"c2","body":{"type":"allocated","in_reply_to":2,"allocation_id":"alloc-2","resources":{"cpu":1}}}',
    ]);
  });

  it('after init, every reply comes from node_id, whatever dest the request used', () => {
    const n = new TestNode();
    expect(n.send('c0', { type: 'init', msg_id: 1, node_id: 'n5', node_ids: ['n5'] }, 'whoever')).toEqual(['{"src":"n5","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}']);
    expect(n.send('c1', allocate(2, { cpu: 1 }), 'n1')).toEqual([
      '{"src":"n5","dest":"c1","body":{"type":"allocated","in_reply_to":2,"allocation_id":"alloc-1","resources":{"cpu":1}}}',
    ]);
    expect(n.send('c1', { type: 'nope', msg_id: 3 }, 'n9')).toEqual(['{"src":"n5","dest":"c1","body":{"type":"error","in_reply_to":3,"code":10,"text":"unknown message type \\"nope\\""}}']);
  });

  it('a later grant goes to the original client with the original msg_id; before init, from the name that client used', () => {
    const n = new TestNode();
    n.send('holder', allocate(1, { gpu: 2 }), 'n1');
    n.send('waiter', allocate(77, { gpu: 1 }), 'alias');
    expect(n.send('holder', release(2, 'alloc-1'), 'n1')).toEqual([
      '{"src":"n1","dest":"holder","body":{"type":"released","in_reply_to":2,"allocation_id":"alloc-1","resources_freed":{"gpu":2}}}',
      '{"src":"alias","dest":"waiter","body":{"type":"allocated","in_reply_to":77,"allocation_id":"alloc-2","resources":{"gpu":1}}}',
    ]);
  });

  it('a later grant after init comes from node_id', () => {
    const n = new TestNode();
    n.send('holder', allocate(1, { gpu: 2 }), 'n1');
    n.send('waiter', allocate(77, { gpu: 1 }), 'alias');
    n.send('c0', { type: 'init', msg_id: 1, node_id: 'n3' });
    expect(n.call('holder', release(2, 'alloc-1')).map((m) => [m.src, m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['n3', 'holder', 'released', 2],
      ['n3', 'waiter', 'allocated', 77],
    ]);
  });

  it('the same msg_id from two clients is two requests', () => {
    const n = new TestNode();
    n.send('a', allocate(1, { gpu: 2 }));
    n.send('b', allocate(1, { gpu: 2 }));
    n.send('c', allocate(1, { gpu: 2 }));
    expect(n.call('a', release(2, 'alloc-1')).map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['a', 'released', 2],
      ['b', 'allocated', 1],
    ]);
  });
});

describe('names are plain data', () => {
  const capacity: [string, number][] = [
    ['__proto__', 2],
    ['constructor', 3],
    ['hasOwnProperty', 1],
  ];

  it('resource types named __proto__ and constructor are granted, queued and released like any other', () => {
    const n = new TestNode({ capacity });
    expect(n.send('c1', allocate(1, { constructor: 1 }))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"constructor":1}}}',
    ]);
    const line = n.line('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":2,"requirements":[{"type":"__proto__","amount":2},{"type":"hasOwnProperty","amount":1}]}}');
    expect(line).toEqual(['{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":2,"allocation_id":"alloc-2","resources":{"__proto__":2,"hasOwnProperty":1}}}']);
    // JSON.parse keeps "__proto__" as an own key, so the parsed reply shows it as data.
    const resources = (JSON.parse(line[0]!) as { body: { resources: object } }).body.resources;
    expect(Object.keys(resources)).toEqual(['__proto__', 'hasOwnProperty']);
    expect(n.send('c2', { type: 'allocate', msg_id: 3, requirements: [{ type: '__proto__', amount: 1 }] })).toEqual([
      '{"src":"n1","dest":"c2","body":{"type":"queued","in_reply_to":3,"reason":"Insufficient resources","available":{"__proto__":0},"required":1}}',
    ]);
    expect(n.send('c1', release(4, 'alloc-2'))).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"released","in_reply_to":4,"allocation_id":"alloc-2","resources_freed":{"__proto__":2,"hasOwnProperty":1}}}',
      '{"src":"n1","dest":"c2","body":{"type":"allocated","in_reply_to":3,"allocation_id":"alloc-3","resources":{"__proto__":1}}}',
    ]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('names inherited by plain objects are not known types unless declared', () => {
    const n = new TestNode();
    for (const type of ['__proto__', 'constructor', 'toString', 'valueOf']) {
      expect(n.one('c1', { type: 'allocate', msg_id: 1, requirements: [{ type, amount: 1 }] })).toEqual({
        type: 'error',
        in_reply_to: 1,
        code: 12,
        text: `requirements[0].type ${JSON.stringify(type)} is not a known resource type (known: "cpu", "memory", "gpu")`,
      });
    }
  });

  it('categories named __proto__ and constructor are ordinary categories', () => {
    const n = new TestNode();
    expect(n.send('c1', { type: 'submit_job', msg_id: 1, category: '__proto__', concurrency_limit: 1, jobs: 2 })).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"jobs_submitted","in_reply_to":1,"queued":1,"running":1,"waiting":1}}',
    ]);
    expect(n.one('c1', { type: 'submit_job', msg_id: 2, category: '__proto__' })).toEqual({ type: 'jobs_submitted', in_reply_to: 2, queued: 1, running: 1, waiting: 2 });
    // A category is never found through a prototype: a new one still needs a limit.
    expect(n.one('c1', { type: 'submit_job', msg_id: 3, category: 'constructor' })).toMatchObject({ type: 'error', code: 12 });
    expect(n.one('c1', { type: 'submit_job', msg_id: 4, category: 'constructor', concurrency_limit: 2, jobs: 1 })).toEqual({
      type: 'jobs_submitted',
      in_reply_to: 4,
      queued: 0,
      running: 1,
      waiting: 0,
    });
  });
});
