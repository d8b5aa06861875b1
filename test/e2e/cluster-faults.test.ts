import { afterAll, describe, expect, it } from 'vitest';
import { ETCD, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { clusterNode, leaderOf, type ClusterProcess } from './cluster-nodes.js';
import { WorkClient, check, prng } from './cluster-workload.js';

// The fault test (docs/cluster.md#what-is-promised): 3 nodes on 3 etcd members, clients on every
// node running a seeded mix; the leader is killed -9 twice and one etcd member once. The checker
// reads only the clients' logs. `make soak` runs it longer (CLUSTER_SOAK_S, CLUSTER_SEED).

const SECONDS = Number(process.env.CLUSTER_SOAK_S ?? 14);
const SEED = Number(process.env.CLUSTER_SEED ?? 21);
const CAPACITY = 8;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let etcd: EtcdCluster | undefined;
const nodes: ClusterProcess[] = [];
const clients: WorkClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  await etcd?.stop();
});

describe.skipIf(ETCD.skip)('a cluster under faults', () => {
  it('keeps its promises through two leaders killed and an etcd member lost', async () => {
    etcd = await startEtcd(3);
    const start = () => clusterNode(etcd!.endpoints, ['--cluster', 'faults', '--capacity', `cpu=${CAPACITY}`]);
    nodes.push(...(await Promise.all([start(), start(), start()])));
    await leaderOf(nodes);
    const random = prng(SEED);
    const live = () => {
      const up = nodes.filter((n) => n.alive);
      return up.length === 0 ? undefined : up[Math.floor(random() * up.length)]!.port;
    };
    for (let i = 0; i < 6; i++) clients.push(new WorkClient(`c${i}`, live, prng(SEED * 100 + i)));
    const running = clients.map((c) => c.run());

    const failovers: number[] = [];
    const killLeader = async (): Promise<void> => {
      const leader = await leaderOf(nodes.filter((n) => n.alive), 15_000);
      failovers.push(Date.now());
      await leader.kill('SIGKILL');
      await leaderOf(nodes.filter((n) => n.alive), 15_000);
      // Back as a follower, as a supervisor would restart it.
      nodes.push(await start());
    };
    // Each round: two leaders killed, an etcd member killed and restarted between them.
    const rounds = Math.max(1, Math.round(SECONDS / 14));
    const slice = 2500;
    for (let round = 0; round < rounds; round++) {
      await sleep(slice);
      await killLeader();
      await sleep(slice / 2);
      const member = etcd.members[(round + Math.floor(random() * 3)) % 3]!;
      await member.kill('SIGKILL');
      await sleep(slice / 2);
      await member.restart();
      await sleep(slice / 2);
      await killLeader();
    }
    await sleep(slice);
    for (const c of clients) c.stopped = true;
    await Promise.all(running);

    // Nothing waits any more, then the ledger holds exactly what the clients were told they hold.
    for (const c of clients) await c.cancelWaiting();
    await sleep(500);
    const status = await clients[0]!.status();
    const told = clients.reduce((sum, c) => sum + [...c.held.values()].reduce((a, b) => a + b, 0), 0);
    expect(status).toMatchObject({ type: 'status_ok', queued: 0, allocated: { cpu: told } });
    for (const c of clients) await c.releaseAll();

    const verdict = check(clients, CAPACITY, failovers);
    if (process.env.CLUSTER_SOAK_S !== undefined) {
      process.stderr.write(`cluster soak: ${failovers.length} leaders killed, ${failovers.length / 2} etcd members killed, ${verdict.requests} requests, ${verdict.grants} grants, ${verdict.grantedAcrossFailover} granted across a failover\n`);
    }
    expect(verdict.problems).toEqual([]);
    expect(verdict.grants).toBeGreaterThan(50);
    expect(verdict.grantedAcrossFailover).toBeGreaterThan(0);
    expect(await clients[0]!.status()).toMatchObject({ allocations: 0, queued: 0 });
  }, 60_000 + SECONDS * 4000);
});
