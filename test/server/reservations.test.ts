import { describe, expect, it } from 'vitest';
import { ResourceNode } from '../../src/server/node.js';
import { TestNode, allocate } from './helpers.js';

// Reservations on the wire: reserve, confirm, abort, reservation_expired, status (docs/contention.md).
// Every line TestNode sees is checked against its reply schema, keys in the schema's order.

const gpu = (amount: number) => [{ type: 'gpu', amount }];
const reserve = (msgId: number, amount: number, extra: Record<string, unknown> = {}) => ({ type: 'reserve', msg_id: msgId, requirements: gpu(amount), hold_ms: 100, ...extra });

describe('reserve -> reserved', () => {
  it('answers reserved with the id, resources in request order and the whole hold', () => {
    const n = new TestNode();
    const body = n.one('c1', { type: 'reserve', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }, { type: 'cpu', amount: 2 }], hold_ms: 250 });
    expect(JSON.stringify(body)).toBe('{"type":"reserved","in_reply_to":1,"reservation_id":"res-1","resources":{"gpu":1,"cpu":2},"expires_in_ms":250}');
  });

  it('answers the core queued shape when it must wait, then reserved to the same client when drained', () => {
    const n = new TestNode();
    n.one('h', allocate(1, { gpu: 2 }));
    expect(n.one('c1', reserve(7, 1))).toEqual({ type: 'queued', in_reply_to: 7, reason: 'Insufficient resources', available: { gpu: 0 }, required: 1 });
    const out = n.call('h', { type: 'release', msg_id: 2, allocation_id: 'alloc-1' });
    expect(out.map((m) => [m.dest, m.body.type])).toEqual([
      ['h', 'released'],
      ['c1', 'reserved'],
    ]);
    expect(out[1]!.body).toEqual({ type: 'reserved', in_reply_to: 7, reservation_id: 'res-1', resources: { gpu: 1 }, expires_in_ms: 100 });
  });

  it('names the members it holds, after the core fields, and confirmed names them too', () => {
    const n = new TestNode({ capacity: [], pools: [['robot', ['r1', 'r2']]] });
    const body = n.one('c1', { type: 'reserve', msg_id: 1, requirements: [{ type: 'robot', amount: 1 }], hold_ms: 9 });
    expect(JSON.stringify(body)).toBe('{"type":"reserved","in_reply_to":1,"reservation_id":"res-1","resources":{"robot":1},"expires_in_ms":9,"members":{"robot":["r1"]}}');
    const status = n.one('c1', { type: 'status', msg_id: 2 });
    expect(status.pools).toEqual({ robot: { total: 2, free: 1, acquired: 1, members: { r1: 'res-1', r2: null } } });
    expect(JSON.stringify(n.one('c1', { type: 'confirm', msg_id: 3, reservation_id: 'res-1' }))).toBe(
      '{"type":"confirmed","in_reply_to":3,"reservation_id":"res-1","allocation_id":"alloc-1","resources":{"robot":1},"members":{"robot":["r1"]}}',
    );
  });

  it('times out while waiting with a code 0 that names the reserve', () => {
    const n = new TestNode();
    n.one('h', allocate(1, { gpu: 2 }));
    n.one('c1', reserve(2, 1, { timeout_ms: 5 }));
    const out = n.call('t', { type: 'tick', msg_id: 3, ms: 5 });
    expect(out[1]!).toMatchObject({ dest: 'c1', body: { type: 'error', in_reply_to: 2, code: 0, text: 'reserve timed out after 5 ms waiting for resources' } });
  });

  it('makes UUID v7 ids on real time, as allocations have', () => {
    const node = new ResourceNode({});
    const reserved = JSON.parse(node.handle(JSON.stringify({ src: 'c', dest: 'n1', body: reserve(1, 1) }))[0]!).body;
    expect(reserved.reservation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const confirmed = JSON.parse(node.handle(JSON.stringify({ src: 'c', dest: 'n1', body: { type: 'confirm', msg_id: 2, reservation_id: reserved.reservation_id } }))[0]!).body;
    expect(confirmed.allocation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(confirmed.allocation_id).not.toBe(reserved.reservation_id);
  });
});

describe('confirm, abort and expiry', () => {
  it('confirm answers the same when repeated; the allocation is released as usual', () => {
    const n = new TestNode();
    n.one('c1', reserve(1, 2));
    const first = n.one('c1', { type: 'confirm', msg_id: 2, reservation_id: 'res-1', lease_ms: 50 });
    expect(first).toEqual({ type: 'confirmed', in_reply_to: 2, reservation_id: 'res-1', allocation_id: 'alloc-1', resources: { gpu: 2 } });
    expect(n.one('c1', { type: 'confirm', msg_id: 3, reservation_id: 'res-1' })).toEqual({ ...first, in_reply_to: 3 });
    expect(n.one('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1' })).toMatchObject({ type: 'released', resources_freed: { gpu: 2 } });
  });

  it('abort answers aborted, then the grants its room makes; a repeat answers the same', () => {
    const n = new TestNode();
    n.one('c1', reserve(1, 2));
    n.one('c2', allocate(1, { gpu: 1 }));
    const out = n.call('c1', { type: 'abort', msg_id: 2, reservation_id: 'res-1' });
    expect(out.map((m) => m.body)).toEqual([
      { type: 'aborted', in_reply_to: 2, reservation_id: 'res-1', resources_freed: { gpu: 2 } },
      { type: 'allocated', in_reply_to: 1, allocation_id: 'alloc-1', resources: { gpu: 1 } },
    ]);
    expect(n.one('c1', { type: 'abort', msg_id: 3, reservation_id: 'res-1' })).toEqual({ type: 'aborted', in_reply_to: 3, reservation_id: 'res-1', resources_freed: { gpu: 2 } });
  });

  it('an unconfirmed reservation expires at hold_ms: reservation_expired to its holder, then the grants', () => {
    const n = new TestNode();
    n.one('c1', reserve(1, 2, { hold_ms: 30 }));
    n.one('c2', allocate(1, { gpu: 2 }));
    const out = n.call('t', { type: 'tick', msg_id: 1, ms: 30 });
    expect(out.map((m) => [m.dest, m.body])).toEqual([
      ['t', { type: 'tick_ok', in_reply_to: 1, now_ms: 30 }],
      ['c1', { type: 'reservation_expired', reservation_id: 'res-1', resources_freed: { gpu: 2 } }],
      ['c2', { type: 'allocated', in_reply_to: 1, allocation_id: 'alloc-1', resources: { gpu: 2 } }],
    ]);
  });

  it('status counts reservations only once a reserve was taken; their amounts are allocated', () => {
    const n = new TestNode();
    expect(n.one('c', { type: 'status', msg_id: 1 })).not.toHaveProperty('reservations');
    n.one('c', reserve(2, 1));
    n.one('c', allocate(3, { gpu: 1 }));
    const s = n.one('c', { type: 'status', msg_id: 4 });
    expect([s.allocated, s.free, s.allocations, s.reservations]).toEqual([{ cpu: 0, memory: 0, gpu: 2 }, { cpu: 8, memory: 16, gpu: 0 }, 1, 1]);
    n.one('c', { type: 'confirm', msg_id: 5, reservation_id: 'res-1' });
    const t = n.one('c', { type: 'status', msg_id: 6 });
    expect([t.allocations, t.reservations]).toEqual([2, 0]);
  });
});

describe('reservation errors', () => {
  const n = new TestNode({ admins: ['ops'] });
  n.one('c1', reserve(1, 1, { hold_ms: 10 }));
  n.one('c1', reserve(2, 1));
  const error = (src: string, body: Record<string, unknown>): [unknown, unknown] => {
    const b = n.one(src, body);
    expect(b.type).toBe('error');
    return [b.code, b.text];
  };

  it.each([
    ['reserve without hold_ms', { type: 'reserve', requirements: gpu(1) }, 'hold_ms is required'],
    ['reserve with hold_ms 0', reserve(0, 1, { hold_ms: 0 }), 'hold_ms must be at least 1'],
    ['reserve with a fractional hold_ms', reserve(0, 1, { hold_ms: 1.5 }), 'hold_ms must be an integer'],
    ['reserve with a huge hold_ms', reserve(0, 1, { hold_ms: 2 ** 31 }), 'hold_ms must be at most 2147483647'],
    ['reserve without requirements', { type: 'reserve', hold_ms: 5 }, 'requirements is required'],
    ['reserve with no requirements', { type: 'reserve', requirements: [], hold_ms: 5 }, 'requirements must not be empty'],
    ['reserve with a zero amount', reserve(0, 0), 'requirements[0].amount must be a positive number'],
    ['reserve with an unknown type', { type: 'reserve', requirements: [{ type: 'tpu', amount: 1 }], hold_ms: 5 }, 'requirements[0].type "tpu" is not a known resource type (known: "cpu", "memory", "gpu")'],
    ['reserve with a bad tenant', reserve(0, 1, { tenant: '' }), 'tenant must not be empty'],
    ['confirm without reservation_id', { type: 'confirm' }, 'reservation_id is required'],
    ['confirm with an empty reservation_id', { type: 'confirm', reservation_id: '' }, 'reservation_id must not be empty'],
    ['confirm with lease_ms 0', { type: 'confirm', reservation_id: 'res-2', lease_ms: 0 }, 'lease_ms must be at least 1'],
    ['abort with a numeric reservation_id', { type: 'abort', reservation_id: 2 }, 'reservation_id must be a string'],
  ])('%s is 12, naming the field', (_what, body, text) => {
    expect(error('c1', { msg_id: 99, ...body })).toEqual([12, text]);
  });

  it('unknown ids are 20; a client that is neither holder nor admin gets 22', () => {
    expect(error('c1', { type: 'confirm', msg_id: 10, reservation_id: 'res-9' })).toEqual([20, 'no reservation "res-9"']);
    expect(error('c1', { type: 'abort', msg_id: 11, reservation_id: 'alloc-1' })).toEqual([20, 'no reservation "alloc-1"']);
    expect(error('c1', { type: 'release', msg_id: 12, allocation_id: 'res-2' })).toEqual([20, 'no allocation "res-2" (it is a reservation: confirm or abort it)']);
    expect(error('c2', { type: 'confirm', msg_id: 13, reservation_id: 'res-2' })).toEqual([22, 'reservation "res-2" is held by "c1": only its holder or an admin may confirm it']);
    expect(error('c2', { type: 'abort', msg_id: 14, reservation_id: 'res-2' })).toEqual([22, 'reservation "res-2" is held by "c1": only its holder or an admin may abort it']);
  });

  it('a retried request_id used before by an allocate is 22, worded as on the wire', () => {
    n.one('c3', allocate(1, { cpu: 1 }));
    n.one('c3', { ...allocate(2, { cpu: 1 }), request_id: 'k' });
    expect(error('c3', reserve(3, 1, { request_id: 'k' }))).toEqual([22, 'request_id "k" was used before for an allocate']);
  });
});
