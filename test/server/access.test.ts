import { describe, expect, it } from 'vitest';
import { Driver, req } from './lifecycle-support.js';

// Who may send what (docs/protocol.md, "Who may do what").

const refusal = (type: string, src: string) => `only an admin may send ${type}, and "${src}" is not one (--admin names them)`;

describe('without --admin', () => {
  it('any client may send set_capacity, set_tenant, init and tick', () => {
    const d = new Driver();
    expect(d.one('c2', { type: 'set_capacity', resources: { gpu: 3 } }).type).toBe('capacity_updated');
    expect(d.one('c2', { type: 'set_tenant', tenant: 'a', quota: {} }).type).toBe('tenant_set');
    expect(d.one('c2', { type: 'tick', ms: 1 }).type).toBe('tick_ok');
    expect(d.one('c2', { type: 'init', node_id: 'n1' }).type).toBe('init_ok');
  });

  it('only the holder may release or renew', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', requirements: req({ gpu: 1 }) });
    expect(d.error('c2', { type: 'release', allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" is held by "c1": only its holder may release it');
    expect(d.error('c2', { type: 'renew', allocation_id: 'alloc-1', lease_ms: 5 }, 22)).toBe('allocation "alloc-1" is held by "c1": only its holder may renew it');
    expect(d.one('c1', { type: 'release', allocation_id: 'alloc-1' }).type).toBe('released');
  });
});

describe('with --admin', () => {
  it('only admins may send set_capacity, set_tenant, init and tick; the rule comes before the schema', () => {
    const d = new Driver({ admins: ['ops', 'root'] });
    expect(d.error('c2', { type: 'set_capacity', resources: { gpu: 3 } }, 22)).toBe(refusal('set_capacity', 'c2'));
    expect(d.error('c2', { type: 'set_tenant', tenant: 'c2', weight: 9 }, 22)).toBe(refusal('set_tenant', 'c2'));
    expect(d.one('root', { type: 'set_tenant', tenant: 'c2', weight: 9 }).type).toBe('tenant_set');
    expect(d.error('c2', { type: 'set_capacity', resources: 'all' }, 22)).toBe(refusal('set_capacity', 'c2'));
    expect(d.error('c2', { type: 'init', node_id: 'n9' }, 22)).toBe(refusal('init', 'c2'));
    expect(d.error('c2', { type: 'tick', ms: 5 }, 22)).toBe(refusal('tick', 'c2'));
    expect(d.one('c2', { type: 'status' }).capacity).toEqual({ cpu: 8, memory: 16, gpu: 2 });
    expect(d.one('root', { type: 'set_capacity', resources: { gpu: 3 } }).type).toBe('capacity_updated');
    expect(d.one('ops', { type: 'tick', ms: 5 })).toEqual({ type: 'tick_ok', in_reply_to: expect.any(Number), now_ms: 5 });
    expect(d.send('ops', { type: 'init', node_id: 'n7' })[0]!.src).toBe('n7');
  });

  it('tick on real time is still code 10 for everyone', () => {
    const d = new Driver({ deterministic: false, admins: ['ops'] }, () => 0);
    expect(d.error('c2', { type: 'tick', ms: 5 }, 10)).toMatch(/--deterministic/);
  });

  it('category-level messages stay open, and a client still cancels only its own requests', () => {
    const d = new Driver({ admins: ['ops'] });
    expect(d.one('c2', { type: 'submit_job', category: 'x', concurrency_limit: 1 }).type).toBe('jobs_submitted');
    expect(d.one('c3', { type: 'complete_job', category: 'x' }).type).toBe('job_completed');
    d.send('c1', { type: 'allocate', requirements: req({ gpu: 2 }) });
    d.send('c2', { type: 'allocate', msg_id: 50, requirements: req({ gpu: 1 }) });
    expect(d.error('ops', { type: 'cancel', request_msg_id: 50 }, 20)).toBe('no waiting request with msg_id 50 from "ops"');
    expect(d.one('c2', { type: 'cancel', request_msg_id: 50 }).type).toBe('cancelled');
  });

  it('an admin releases any allocation; the holder learns it on its own release', () => {
    const d = new Driver({ admins: ['ops'] });
    d.send('c1', { type: 'allocate', requirements: req({ gpu: 2 }) });
    expect(d.error('c2', { type: 'release', allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" is held by "c1": only its holder or an admin may release it');
    expect(d.one('ops', { type: 'release', allocation_id: 'alloc-1' }).type).toBe('released');
    expect(d.error('c1', { type: 'release', allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" was released by an admin, not by its holder');
  });
});
