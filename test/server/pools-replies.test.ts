import { describe, expect, it } from 'vitest';
import { ResourceNode } from '../../src/server/node.js';

function node(): ResourceNode {
  return new ResourceNode({ deterministic: true, capacity: [['cpu', 8]], pools: [['robot', ['r1', 'r2']]] });
}

const line = (src: string, body: object) => JSON.stringify({ src, dest: 'n1', body });
const alloc = (src: string, msgId: number, requirements: object[]) => line(src, { type: 'allocate', msg_id: msgId, requirements });

describe('replies of a node with --pool robot=r1,r2', () => {
  it('adds members after resources, for member types only', () => {
    const n = node();
    expect(n.handle(alloc('job1', 1, [{ type: 'cpu', amount: 2 }, { type: 'robot', amount: 1 }]))).toEqual([
      '{"src":"n1","dest":"job1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"cpu":2,"robot":1},"members":{"robot":["r1"]}}}',
    ]);
    expect(n.handle(alloc('job2', 1, [{ type: 'cpu', amount: 2 }]))).toEqual([
      '{"src":"n1","dest":"job2","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-2","resources":{"cpu":2}}}',
    ]);
  });

  it('keeps queued and released unchanged and sends the re-grant its member', () => {
    const n = node();
    n.handle(alloc('job1', 1, [{ type: 'robot', amount: 2 }]));
    expect(n.handle(alloc('job2', 1, [{ type: 'robot', amount: 1 }]))).toEqual([
      '{"src":"n1","dest":"job2","body":{"type":"queued","in_reply_to":1,"reason":"Insufficient resources","available":{"robot":0},"required":1}}',
    ]);
    expect(n.handle(line('job1', { type: 'release', msg_id: 2, allocation_id: 'alloc-1', job_status: 'completed' }))).toEqual([
      '{"src":"n1","dest":"job1","body":{"type":"released","in_reply_to":2,"allocation_id":"alloc-1","resources_freed":{"robot":2}}}',
      '{"src":"n1","dest":"job2","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-2","resources":{"robot":1},"members":{"robot":["r1"]}}}',
    ]);
  });

  it('answers a fractional member amount with code 12', () => {
    expect(node().handle(alloc('job1', 7, [{ type: 'robot', amount: 0.25 }]))).toEqual([
      '{"src":"n1","dest":"job1","body":{"type":"error","in_reply_to":7,"code":12,"text":"requirements[0].amount must be a whole number for the member type \\"robot\\""}}',
    ]);
  });

  it('lists the pool among the known types when a type is unknown', () => {
    const [reply] = node().handle(alloc('job1', 1, [{ type: 'robots', amount: 1 }]));
    expect(JSON.parse(reply!).body.text).toBe('requirements[0].type "robots" is not a known resource type (known: "cpu", "robot")');
  });

  it('says in status_ok.pools which allocation holds each member, and counts the plain types alike', () => {
    const n = node();
    n.handle(alloc('job1', 1, [{ type: 'robot', amount: 1 }]));
    const [reply] = n.handle(line('ops', { type: 'status', msg_id: 9 }));
    const pools = (JSON.parse(reply!) as { body: { pools: unknown } }).body.pools;
    expect(JSON.stringify(pools)).toBe('{"cpu":{"total":8,"free":8,"acquired":0},"robot":{"total":2,"free":1,"acquired":1,"members":{"r1":"alloc-1","r2":null}}}');
    n.handle(line('job1', { type: 'release', msg_id: 2, allocation_id: 'alloc-1' }));
    const [after] = n.handle(line('ops', { type: 'status', msg_id: 10 }));
    expect((JSON.parse(after!) as { body: { pools: { robot: unknown } } }).body.pools.robot).toEqual({ total: 2, free: 2, acquired: 0, members: { r1: null, r2: null } });
  });
});
