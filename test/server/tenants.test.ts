import { describe, expect, it } from 'vitest';
import { WAIT_REASON_TEXT } from '../../src/server/bodies.js';
// @ts-expect-error: a plain ES module shared with the build, without type declarations
import { loadSchemas } from '../../scripts/schemas.mjs';
import { Driver, req } from './lifecycle-support.js';

// Tenants on the wire: allocate's tenant, set_tenant, status_ok.tenants (docs/policies.md).

const tenantsOf = (d: Driver): unknown => d.one('c9', { type: 'status' }).tenants;

describe('status_ok.tenants', () => {
  it('is absent while no tenant feature is in use', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', requirements: req({ gpu: 1 }) });
    expect(d.one('c9', { type: 'status' })).not.toHaveProperty('tenants');
  });

  it('lists a tenant named by an allocate while it holds or waits, then forgets it', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', requirements: req({ cpu: 2, gpu: 1 }), tenant: 'team-a' });
    d.send('c2', { type: 'allocate', requirements: req({ gpu: 2 }), tenant: 'team-a' });
    expect(tenantsOf(d)).toEqual({ 'team-a': { weight: 1, quota: {}, held: { cpu: 2, gpu: 1 }, dominant_share: 0.5, queued: 1 } });
    d.send('c2', { type: 'cancel', request_msg_id: 2 });
    d.send('c1', { type: 'release', allocation_id: 'alloc-1' });
    expect(tenantsOf(d)).toEqual({});
  });

  it('lists tenants configured by flags from the start, idle ones too, in the order given', () => {
    const d = new Driver({
      tenants: [
        ['b', { weight: 2 }],
        ['a', { quota: [['gpu', 1]] }],
      ],
    });
    expect(tenantsOf(d)).toEqual({ b: { weight: 2, quota: {}, held: {}, dominant_share: 0, queued: 0 }, a: { weight: 1, quota: { gpu: 1 }, held: {}, dominant_share: 0, queued: 0 } });
  });

  it('rounds dominant_share to 6 decimals and lists quota and held in type order', () => {
    const d = new Driver({ capacity: [['cpu', 3], ['memory', 7]] });
    d.one('c9', { type: 'set_tenant', tenant: 'a', quota: { memory: 7, cpu: 3 } });
    d.send('a', { type: 'allocate', requirements: req({ memory: 2, cpu: 1 }) });
    expect(JSON.stringify(tenantsOf(d))).toBe('{"a":{"weight":1,"quota":{"cpu":3,"memory":7},"held":{"cpu":1,"memory":2},"dominant_share":0.333333,"queued":0}}');
  });

  it('under --policy drf lists every tenant that holds or waits, the sender by default', () => {
    const d = new Driver({ policy: 'drf' });
    expect(tenantsOf(d)).toEqual({});
    d.send('c1', { type: 'allocate', requirements: req({ gpu: 1 }) });
    expect(tenantsOf(d)).toEqual({ c1: { weight: 1, quota: {}, held: { gpu: 1 }, dominant_share: 0.5, queued: 0 } });
  });
});

describe('set_tenant', () => {
  it('answers tenant_set with the weight and the whole quota; parts left out are kept', () => {
    const d = new Driver();
    expect(d.one('c1', { type: 'set_tenant', tenant: 'a', quota: { gpu: 2, cpu: 4 } })).toEqual({ type: 'tenant_set', in_reply_to: 1, tenant: 'a', weight: 1, quota: { cpu: 4, gpu: 2 } });
    expect(d.one('c1', { type: 'set_tenant', tenant: 'a', weight: 2.5 })).toMatchObject({ weight: 2.5, quota: { cpu: 4, gpu: 2 } });
    expect(d.one('c1', { type: 'set_tenant', tenant: 'a', quota: { memory: 0 } })).toMatchObject({ weight: 2.5, quota: { memory: 0 } });
    expect(d.one('c1', { type: 'set_tenant', tenant: 'a', quota: {} })).toMatchObject({ weight: 2.5, quota: {} });
    expect(d.one('c1', { type: 'set_tenant', tenant: 'a' })).toMatchObject({ weight: 2.5, quota: {} });
  });

  it('a raised quota grants the tenant its waiting request, after the reply', () => {
    const d = new Driver();
    d.one('ops', { type: 'set_tenant', tenant: 'a', quota: { gpu: 1 } });
    d.send('c1', { type: 'allocate', msg_id: 7, requirements: req({ gpu: 1 }), tenant: 'a' });
    expect(d.one('c1', { type: 'allocate', msg_id: 8, requirements: req({ gpu: 1 }), tenant: 'a' })).toMatchObject({ reason: 'Tenant quota', available: { gpu: 0 }, required: 1 });
    const out = d.send('ops', { type: 'set_tenant', tenant: 'a', quota: {} });
    expect(out.map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['ops', 'tenant_set', 2],
      ['c1', 'allocated', 8],
    ]);
  });

  it('refuses bad fields with 12, naming the field, and changes nothing', () => {
    const d = new Driver();
    d.one('c1', { type: 'set_tenant', tenant: 'a', weight: 3, quota: { gpu: 1 } });
    expect(d.error('c1', { type: 'set_tenant' }, 12)).toBe('tenant is required');
    expect(d.error('c1', { type: 'set_tenant', tenant: '' }, 12)).toBe('tenant must not be empty');
    expect(d.error('c1', { type: 'set_tenant', tenant: 't'.repeat(257) }, 12)).toBe('tenant must be at most 256 characters');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', weight: 0 }, 12)).toBe('weight must be a positive number');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', weight: '2' }, 12)).toBe('weight must be a number');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', weight: 1.0005 }, 12)).toBe('weight must have at most 3 decimal places');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', weight: 2e12 }, 12)).toBe('weight must be at most 1000000000000');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', quota: [] }, 12)).toBe('quota must be an object');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', quota: { gpu: -1 } }, 12)).toBe('quota.gpu must be at least 0');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', quota: { gpu: 'all' } }, 12)).toBe('quota.gpu must be a number');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', quota: { gpu: 0.0001 } }, 12)).toBe('quota.gpu must have at most 3 decimal places');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', quota: { '': 1 } }, 12)).toBe('quota key "" must not be empty');
    expect(d.error('c1', { type: 'set_tenant', tenant: 'a', weight: 5, quota: { tpu: 1 } }, 12)).toMatch(/^quota names "tpu", not a known resource type \(known: "cpu", "memory", "gpu"\)$/);
    expect(tenantsOf(d)).toEqual({ a: { weight: 3, quota: { gpu: 1 }, held: {}, dominant_share: 0, queued: 0 } });
  });

  it('is admin-only once --admin names any, checked before the body', () => {
    const d = new Driver({ admins: ['ops'] });
    expect(d.error('c2', { type: 'set_tenant', tenant: 'c2', quota: {} }, 22)).toBe('only an admin may send set_tenant, and "c2" is not one (--admin names them)');
    expect(d.error('c2', { type: 'set_tenant' }, 22)).toMatch(/only an admin/);
    expect(d.one('ops', { type: 'set_tenant', tenant: 'c2', quota: {} }).type).toBe('tenant_set');
  });
});

describe('allocate with a tenant', () => {
  it('is refused with 22 when it asks more than its quota allows at all', () => {
    const d = new Driver({ tenants: [['a', { quota: [['gpu', 2]] }]] });
    expect(d.error('c1', { type: 'allocate', requirements: req({ cpu: 1, gpu: 3 }), tenant: 'a' }, 22)).toBe('exceeds quota of tenant "a": requested gpu 3, quota gpu 2');
    expect(d.error('a', { type: 'allocate', requirements: req({ gpu: 3 }) }, 22)).toBe('exceeds quota of tenant "a": requested gpu 3, quota gpu 2');
  });

  it('takes tenant as a string of 1 to 256 characters', () => {
    const d = new Driver();
    expect(d.error('c1', { type: 'allocate', requirements: req({ gpu: 1 }), tenant: '' }, 12)).toBe('tenant must not be empty');
    expect(d.error('c1', { type: 'allocate', requirements: req({ gpu: 1 }), tenant: 7 }, 12)).toBe('tenant must be a string');
    expect(d.error('c1', { type: 'allocate', requirements: req({ gpu: 1 }), tenant: 'x'.repeat(257) }, 12)).toBe('tenant must be at most 256 characters');
    expect(d.one('c1', { type: 'allocate', requirements: req({ gpu: 1 }), tenant: '__proto__' }).type).toBe('allocated');
    expect(tenantsOf(d)).toEqual(JSON.parse('{"__proto__":{"weight":1,"quota":{},"held":{"gpu":1},"dominant_share":0.5,"queued":0}}'));
  });
});

describe('the queued reply schema', () => {
  it('allows exactly the reasons the node writes', () => {
    const queued = (loadSchemas() as { id: string; schema: { properties: { reason: { enum: string[] } } } }[]).find((s) => s.id === 'queued')!;
    expect(queued.schema.properties.reason.enum).toEqual(Object.values(WAIT_REASON_TEXT));
  });
});
