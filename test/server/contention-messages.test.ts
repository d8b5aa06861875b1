import { describe, expect, it } from 'vitest';
import { EXPLAIN_REASON_TEXT } from '../../src/server/bodies.js';
// @ts-expect-error: a plain ES module shared with the build, without type declarations
import { loadSchemas } from '../../scripts/schemas.mjs';
import { Driver, req } from './lifecycle-support.js';
import { TestNode } from './helpers.js';

// explain -> explanation and contention -> contention_ok on the wire (docs/contention.md).
// Driver and TestNode check every line against its reply schema; TestNode also the key order.

describe('explain', () => {
  it('answers for a waiting allocate of the same client, keys in wire order', () => {
    const n = new TestNode();
    n.send('h', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 2 }), lease_ms: 40 });
    n.send('w', { type: 'allocate', msg_id: 7, requirements: req({ cpu: 2, gpu: 1 }) });
    expect(n.one('w', { type: 'explain', msg_id: 8, request_msg_id: 7 })).toEqual({
      type: 'explanation',
      in_reply_to: 8,
      request_msg_id: 7,
      position: 1,
      waited_ms: 0,
      reason: 'Resources',
      short: { gpu: 1 },
      blockers: [{ allocation_id: 'alloc-1', src: 'h', resources: { gpu: 2 }, lease_left_ms: 40 }],
      estimated_start_ms: 40,
    });
  });

  it('is 20 for a request that does not wait: never sent, granted, another client\'s', () => {
    const d = new Driver();
    d.send('a', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }) });
    d.send('a', { type: 'allocate', msg_id: 2, requirements: req({ cpu: 99 }) });
    expect(d.error('a', { type: 'explain', request_msg_id: 9 }, 20)).toBe('no waiting request with msg_id 9 from "a"');
    expect(d.error('a', { type: 'explain', request_msg_id: 1 }, 20)).toBe('request 1 from "a" is not waiting: it was granted as "alloc-1"');
    expect(d.error('b', { type: 'explain', request_msg_id: 2 }, 20)).toBe('no waiting request with msg_id 2 from "b"');
  });

  it('is 12 without an integer request_msg_id', () => {
    const d = new Driver();
    expect(d.error('a', { type: 'explain' }, 12)).toMatch(/request_msg_id/);
    expect(d.error('a', { type: 'explain', request_msg_id: 'x' }, 12)).toMatch(/request_msg_id/);
  });

  it('words every reason of the core, and the schema lists exactly those', () => {
    const schema = (loadSchemas() as { id: string; schema: { properties: { reason: { enum: string[] } } } }[]).find((s) => s.id === 'explanation')!;
    expect(Object.values(EXPLAIN_REASON_TEXT)).toEqual(schema.schema.properties.reason.enum);
  });
});

describe('contention', () => {
  it('reports every type, the waiting, counts by reason, the oldest wait and the demands', () => {
    const d = new Driver();
    d.send('h', { type: 'allocate', requirements: req({ gpu: 2 }) });
    d.send('a', { type: 'allocate', requirements: req({ gpu: 1, cpu: 1 }) });
    d.send('t', { type: 'tick', ms: 30 });
    d.send('b', { type: 'allocate', requirements: req({ cpu: 1, gpu: 1 }) });
    d.send('c', { type: 'allocate', requirements: req({ gpu: 3 }) });
    d.send('t', { type: 'tick', ms: 20 });
    expect(d.one('o', { type: 'contention' })).toEqual({
      type: 'contention_ok',
      in_reply_to: 7,
      resources: {
        cpu: { capacity: 8, free: 8, waiting_demand: 2, pressure: 0.25 },
        memory: { capacity: 16, free: 16, waiting_demand: 0, pressure: 0 },
        gpu: { capacity: 2, free: 0, waiting_demand: 5, pressure: 3.5 },
      },
      waiting: 3,
      by_reason: { Infeasible: 1, Resources: 2 },
      oldest_wait_ms: 50,
      demands: [
        { requirements: [{ type: 'gpu', amount: 1 }, { type: 'cpu', amount: 1 }], count: 2 },
        { requirements: [{ type: 'gpu', amount: 3 }], count: 1 },
      ],
    });
  });

  it('with nothing waiting: null oldest wait, no reasons, no demands; pressure null for capacity 0', () => {
    const d = new Driver({ capacity: [['cpu', 2], ['tpu', 0]] });
    expect(d.one('o', { type: 'contention' })).toEqual({
      type: 'contention_ok',
      in_reply_to: 1,
      resources: { cpu: { capacity: 2, free: 2, waiting_demand: 0, pressure: 0 }, tpu: { capacity: 0, free: 0, waiting_demand: 0, pressure: null } },
      waiting: 0,
      by_reason: {},
      oldest_wait_ms: null,
      demands: [],
    });
  });
});
