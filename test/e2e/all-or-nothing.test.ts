import { afterEach, describe, expect, it } from 'vitest';
import { NodeProcess, allOrNothing } from './all-or-nothing.js';

// Three real node processes (the built binary, real time, UUID ids) and the all-or-nothing
// client of docs/contention.md: it ends holding one gpu on every node, or nothing on any,
// which each node's status confirms.

const GPU = [{ type: 'gpu', amount: 1 }];
let nodes: NodeProcess[] = [];

function start(): NodeProcess[] {
  nodes = ['n1', 'n2', 'n3'].map((name) => new NodeProcess(name, ['--capacity', 'cpu=4,gpu=2', '--admin', 'ops']));
  return nodes;
}

afterEach(async () => {
  expect(await Promise.all(nodes.map((n) => n.end()))).toEqual([0, 0, 0]);
});

/** Each node's gpu allocated, live allocations, reservations and waiting requests. */
async function held(all: NodeProcess[]): Promise<number[][]> {
  const statuses = await Promise.all(all.map((n) => n.request('watch', { type: 'status' })));
  return statuses.map(({ body: s }) => [(s.allocated as Record<string, number>).gpu!, s.allocations as number, (s.reservations as number | undefined) ?? 0, s.queued as number]);
}

describe('all or nothing across three nodes', () => {
  it('takes the gpu on every node when every node can reserve it', async () => {
    const all = start();
    const outcome = await allOrNothing(all, 'job', GPU, { holdMs: 10_000 });
    expect(outcome.taken).toBe(true);
    if (outcome.taken) for (const id of outcome.allocations) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(await held(all)).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 0, 0],
    ]);
  });

  it('takes nothing when one node answers queued: the reservations are aborted and the waiting reserve cancelled', async () => {
    const [n1, n2, n3] = start();
    await n3!.request('blocker', { type: 'allocate', requirements: [{ type: 'gpu', amount: 2 }] });
    const outcome = await allOrNothing([n1!, n2!, n3!], 'job', GPU, { holdMs: 10_000 });
    expect(outcome).toEqual({ taken: false, why: 'not reserved on n3' });
    expect(await held([n1!, n2!, n3!])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [2, 1, 0, 0],
    ]);
    // The cancelled reserve is never granted: the blocker's release leaves the node empty.
    const blocker = n3!.out.find((m) => m.dest === 'blocker' && m.body.type === 'allocated')!;
    await n3!.request('blocker', { type: 'release', allocation_id: blocker.body.allocation_id });
    expect(await held([n3!])).toEqual([[0, 0, 0, 0]]);
    expect(n3!.out.filter((m) => m.dest === 'job').map((m) => m.body.type)).toEqual(['queued', 'cancelled']);
  });

  it('takes nothing when the waiting reserve is reserved just before its cancel: that reservation is aborted too', async () => {
    const [n1, n2, n3] = start();
    const blocker = await n3!.request('blocker', { type: 'allocate', requirements: [{ type: 'gpu', amount: 2 }] });
    const outcome = await allOrNothing([n1!, n2!, n3!], 'job', GPU, {
      holdMs: 10_000,
      // Room comes free on n3 after the reserve queued and before the client gives it back.
      afterReserve: async () => void (await n3!.request('blocker', { type: 'release', allocation_id: blocker.body.allocation_id })),
    });
    expect(outcome.taken).toBe(false);
    expect(n3!.out.filter((m) => m.dest === 'job').map((m) => [m.body.type, m.body.code])).toEqual([
      ['queued', undefined],
      ['reserved', undefined],
      ['error', 22],
      ['aborted', undefined],
    ]);
    expect(await held([n1!, n2!, n3!])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('takes nothing when a hold is lost before its confirm: the allocations confirmed elsewhere are released', async () => {
    const [n1, n2, n3] = start();
    const outcome = await allOrNothing([n1!, n2!, n3!], 'job', GPU, {
      holdMs: 10_000,
      // An admin aborts the reservation on n2 between the two phases, as an expiry would end it.
      afterReserve: async () => {
        const reserved = n2!.find((m) => m.dest === 'job' && m.body.type === 'reserved')!;
        await n2!.request('ops', { type: 'abort', reservation_id: reserved.body.reservation_id });
      },
    });
    expect(outcome).toEqual({ taken: false, why: 'a hold was lost before its confirm' });
    expect(n1!.out.filter((m) => m.dest === 'job').map((m) => m.body.type)).toEqual(['reserved', 'confirmed', 'released']);
    expect(n2!.out.filter((m) => m.dest === 'job').map((m) => m.body.type)).toEqual(['reserved', 'error']);
    expect(await held([n1!, n2!, n3!])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('leaves nothing held when the client dies between the phases: the holds expire on real time', async () => {
    const all = start();
    await Promise.all(all.map((n) => n.request('job', { type: 'reserve', requirements: GPU, hold_ms: 150 })));
    // The client is gone; each node's own timer ends its reservation.
    for (const n of all) {
      while (n.find((m) => m.dest === 'job' && m.body.type === 'reservation_expired') === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(await held(all)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });
});
