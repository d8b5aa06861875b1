import { describe, expect, it } from 'vitest';
import { NodeCounters } from '../../../src/adapters/http/counters.js';
import { DashboardState, HISTORY_SAMPLES, MAX_ROWS } from '../../../src/adapters/http/snapshot.js';
import { TENANT_LABELS, boundedTenants } from '../../../src/adapters/http/tenants.js';
import { ResourceNode } from '../../../src/server/node.js';

function dashboard(capacity: number): { node: ResourceNode; state: DashboardState; send: (src: string, body: object) => string[] } {
  let node!: ResourceNode;
  const counters = new NodeCounters(() => node.now());
  node = new ResourceNode({ deterministic: true, capacity: [['cpu', capacity]] }, { store: counters, observer: counters });
  return { node, state: new DashboardState(node.manager, counters, node.now), send: (src, body) => node.handle(JSON.stringify({ src, dest: 'n1', body })) };
}

describe('DashboardState', () => {
  it('sends at most MAX_ROWS of each table, with the whole count', () => {
    const { state, send } = dashboard(MAX_ROWS + 50);
    for (let i = 0; i < MAX_ROWS + 50; i++) send(`c${i}`, { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 1 }] });
    for (let i = 0; i < MAX_ROWS + 10; i++) send(`w${i}`, { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 1 }] });
    const s = state.snapshot(0);
    expect(s.allocations.total).toBe(MAX_ROWS + 50);
    expect(s.allocations.rows).toHaveLength(MAX_ROWS);
    expect(s.queue.total).toBe(MAX_ROWS + 10);
    expect(s.queue.rows).toHaveLength(MAX_ROWS);
    expect(s.queue.rows[0]).toMatchObject({ src: 'w0', msg_id: 1, reason: 'Resources', resources: { cpu: 1 } });
  });

  it('keeps the last HISTORY_SAMPLES samples of utilization and queue depth', () => {
    const { state, send } = dashboard(4);
    send('a', { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 1 }] });
    for (let t = 0; t < HISTORY_SAMPLES + 5; t++) state.sample(t);
    const samples = state.samples();
    expect(samples).toHaveLength(HISTORY_SAMPLES);
    expect(samples[0]).toEqual({ t: 5, used: [0.25], waiting: 0 });
  });

  it('names the first TENANT_LABELS tenants and sums the rest as (other)', () => {
    const { node, send } = dashboard(1000);
    for (let i = 0; i < TENANT_LABELS + 3; i++) send(`c${i}`, { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 2 }], tenant: `t${i}` });
    const tenants = boundedTenants(node.manager);
    expect(tenants).toHaveLength(TENANT_LABELS + 1);
    expect(tenants.at(-1)).toEqual({ name: '(other)', held: [6000], quota: [undefined] });
  });
});
