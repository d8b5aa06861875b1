import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ETCD, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { clusterNode, leaderOf, type ClusterProcess } from './cluster-nodes.js';
import { Client, listening, type Listening } from './listening.js';

// Three nodes on one etcd member: every node answers as one node would, and a killed leader is
// replaced within its lease and about a second, its in-flight requests answered with code 0.

const gpu = (msgId: number, amount: number, extra: Record<string, unknown> = {}) => ({ type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount }], ...extra });

let etcd: EtcdCluster | undefined;
const nodes: ClusterProcess[] = [];
const clients: Client[] = [];
let single: Listening | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(nodes.splice(0).map((n) => n.kill('SIGKILL')));
  single?.child.kill('SIGKILL');
  await single?.exit;
  single = undefined;
  await etcd?.stop();
  etcd = undefined;
});

async function cluster(n: number): Promise<ClusterProcess[]> {
  etcd = await startEtcd(1);
  const started = await Promise.all(Array.from({ length: n }, () => clusterNode(etcd!.endpoints, ['--cluster', 'test'])));
  nodes.push(...started);
  const leader = await leaderOf(started);
  // Every follower has found the leader.
  await Promise.all(started.filter((s) => s !== leader).map((s) => s.waitFor(/following the leader/)));
  return started;
}

async function client(port: number): Promise<Client> {
  const c = await Client.open(port);
  clients.push(c);
  return c;
}

/** The same exchange against any three connections: replies with their ids made comparable. */
async function exchange(ports: readonly number[]): Promise<unknown[]> {
  const [a, b, c] = [await client(ports[0]!), await client(ports[1]!), await client(ports[2]!)];
  const seen: unknown[] = [];
  const held = await a.ask('c1', gpu(1, 2));
  seen.push(held);
  seen.push(await b.ask('c2', gpu(1, 1)));
  seen.push(await c.ask('c3', { type: 'status', msg_id: 1 }));
  seen.push(await a.ask('c1', { type: 'release', msg_id: 2, allocation_id: held.allocation_id }));
  seen.push((await b.take(1))[0]!.body);
  seen.push(await c.ask('c3', { type: 'allocate', msg_id: 2, requirements: [{ type: 'gpu', amount: 1 }], request_id: 'r1' }));
  seen.push(await c.ask('c3', { type: 'allocate', msg_id: 3, requirements: [{ type: 'gpu', amount: 1 }], request_id: 'r1' }));
  seen.push(await b.ask('c2', { type: 'bogus', msg_id: 9 }));
  const ids = new Map<string, string>();
  return JSON.parse(JSON.stringify(seen), (k, v) => {
    if (k !== 'allocation_id' || typeof v !== 'string') return v;
    if (!ids.has(v)) ids.set(v, `id-${ids.size + 1}`);
    return ids.get(v);
  });
}

describe.skipIf(ETCD.skip)('a cluster on etcd', () => {
  it('answers clients on every node as a single node answers them', async () => {
    const three = await cluster(3);
    const got = await exchange(three.map((n) => n.port));
    single = await listening();
    const want = await exchange([single.port, single.port, single.port]);
    expect(got).toEqual(want);
  }, 40_000);

  it('replaces a killed leader within the lease and a second; what was in flight gets code 0', async () => {
    const three = await cluster(3);
    const leader = await leaderOf(three);
    const followers = three.filter((n) => n !== leader);
    const c = await client(followers[0]!.port);
    expect(await c.ask('c1', gpu(1, 1))).toMatchObject({ type: 'allocated' });
    // A stopped leader reads nothing: the next request is forwarded and stays unanswered.
    leader.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    c.send('c1', gpu(2, 1, { request_id: 'k2' }));
    await new Promise((r) => setTimeout(r, 200));
    await leader.kill('SIGKILL');
    const [lost] = await c.take(1, 10_000);
    expect(lost!.body).toMatchObject({ type: 'error', in_reply_to: 2, code: 0 });
    const next = await leaderOf(followers, 10_000);
    const took = Date.now() - stoppedAt;
    // Lease 2 s, plus about a second (a loaded machine gets some slack).
    expect(took).toBeLessThan(4_500);
    await Promise.all(followers.filter((n) => n !== next).map((n) => n.waitFor(new RegExp(`following the leader at ${next.address}`))));
    const d = await client(followers.find((n) => n !== next)!.port);
    expect(await d.ask('c4', { type: 'status', msg_id: 1 })).toMatchObject({ type: 'status_ok' });
  }, 40_000);

  it('keeps the ledger across a failover: grants, waiting requests, request_id outcomes', async () => {
    const three = await cluster(3);
    const leader = await leaderOf(three);
    const [f1, f2] = three.filter((n) => n !== leader);
    const a = await client(f1!.port);
    const b = await client(f2!.port);
    const held = await a.ask('c1', gpu(1, 2, { request_id: 'ra' }));
    expect(held).toMatchObject({ type: 'allocated' });
    expect(await b.ask('c2', gpu(1, 1, { request_id: 'rb' }))).toMatchObject({ type: 'queued' });
    const cpu = await a.ask('c1', { type: 'allocate', msg_id: 2, requirements: [{ type: 'cpu', amount: 3 }] });
    await leader.kill('SIGKILL');
    const next = await leaderOf([f1!, f2!], 10_000);
    if (next === f1) await f2!.waitFor(new RegExp(`following the leader at ${next.address}`));
    else await f1!.waitFor(new RegExp(`following the leader at ${next.address}`));
    // A retry of an acknowledged grant gets the same allocation from the committed state.
    expect(await a.ask('c1', gpu(3, 2, { request_id: 'ra' }))).toMatchObject({ type: 'allocated', in_reply_to: 3, allocation_id: held.allocation_id });
    // Asked again, a request that waits still waits, once.
    expect(await b.ask('c2', gpu(3, 1, { request_id: 'rb' }))).toMatchObject({ type: 'queued', in_reply_to: 3 });
    expect(await b.ask('c2', { type: 'status', msg_id: 2 })).toMatchObject({ allocations: 2, queued: 1, allocated: { cpu: 3, gpu: 2 } });
    expect(await a.ask('c1', { type: 'release', msg_id: 4, allocation_id: held.allocation_id })).toMatchObject({ type: 'released' });
    // The request that waited across the failover is granted to its client.
    expect((await b.take(1))[0]).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 1, resources: { gpu: 1 } } });
    expect(await a.ask('c1', { type: 'release', msg_id: 5, allocation_id: cpu.allocation_id })).toMatchObject({ type: 'released', resources_freed: { cpu: 3 } });
  }, 40_000);

  it('between nodes too, a connection presents the token first (--token-file); SIGTERM hands over at once', async () => {
    etcd = await startEtcd(1);
    const dir = mkdtempSync(join(tmpdir(), 'cluster-token-'));
    const token = join(dir, 'token');
    writeFileSync(token, 's3cret\n');
    try {
      const two = await Promise.all([0, 1].map(() => clusterNode(etcd!.endpoints, ['--cluster', 'gated', '--token-file', token])));
      nodes.push(...two);
      const leader = await leaderOf(two);
      const follower = two.find((n) => n !== leader)!;
      await follower.waitFor(/following the leader/);
      const c = await client(follower.port);
      expect(await c.ask('c1', { type: 'auth', msg_id: 1, token: 's3cret' })).toMatchObject({ type: 'auth_ok' });
      expect(await c.ask('c1', gpu(2, 1))).toMatchObject({ type: 'allocated' });
      const t0 = Date.now();
      leader.child.kill('SIGTERM');
      await leaderOf([follower], 10_000);
      // Well inside the lease: the leader gave its key up as it stopped.
      expect(Date.now() - t0).toBeLessThan(1_800);
      expect(await c.ask('c1', { type: 'status', msg_id: 3 })).toMatchObject({ type: 'status_ok', allocations: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
