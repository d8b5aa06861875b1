import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../src/adapters/etcd.js';
import { EtcdStore, FencedOut } from '../../src/adapters/etcd-store.js';
import { ResourceNode } from '../../src/server/node.js';
import { ETCD, startEtcd, type EtcdCluster } from '../support/etcd.js';

// The ledger in etcd against a real member: batches, a snapshot once the log is long, the same
// state read back by the next leader, and a commit refused once the election key is gone.

const PREFIX = '/resource-node/store-test/';
let etcd: EtcdCluster | undefined;
let close: (() => void) | undefined;

async function fence(): Promise<{ fence: Fence; resign: () => Promise<void> }> {
  const { Etcd3 } = await import('etcd3');
  // In this process's environment a proxy may be set: gRPC would follow it even to 127.0.0.1.
  const client = new Etcd3({ hosts: etcd!.endpoints, grpcOptions: { 'grpc.enable_http_proxy': 0 }, defaultCallOptions: (c) => (c.isStream ? {} : { deadline: Date.now() + 5000 }) });
  close = () => client.close();
  const lease = client.lease(30);
  const key = `${PREFIX}election/${await lease.grant()}`;
  await lease.put(key).value('test');
  const kv = (await client.get(key).exec()).kvs[0]!;
  return { fence: { client, namespace: client.namespace(PREFIX), key, createRevision: kv.create_revision }, resign: () => lease.revoke() };
}

const line = (msgId: number, body: Record<string, unknown>) => JSON.stringify({ src: 'c1', dest: 'n1', body: { msg_id: msgId, ...body } });

beforeAll(async () => {
  if (ETCD.skip) return;
  etcd = await startEtcd(1);
});
afterAll(async () => {
  close?.();
  await etcd?.stop();
});

describe.skipIf(ETCD.skip)('EtcdStore', () => {
  it('reads back, through a snapshot and the batches after it, the state the last leader committed', async () => {
    const { fence: f, resign } = await fence();
    // A snapshot after 64 KiB of log, not the MiB of a node.
    const first = await EtcdStore.open(f, PREFIX, 100_000, 64 * 1024);
    expect(first.restored).toBeUndefined();
    const node = new ResourceNode({ capacity: [['cpu', 4]] }, { durable: first, cluster: {} });
    // Enough churn for several snapshots, with batches after the last.
    const pad = 'x'.repeat(100);
    let msgId = 0;
    for (let i = 0; i < 400; i++) {
      const [granted] = node.handle(line(++msgId, { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }], request_id: `${pad}${i}` }));
      await node.commit();
      const id = (JSON.parse(granted!) as { body: { allocation_id: string } }).body.allocation_id;
      if (i % 2 === 0) node.handle(line(++msgId, { type: 'release', allocation_id: id }));
      await node.commit();
    }
    node.handle(line(++msgId, { type: 'allocate', requirements: [{ type: 'cpu', amount: 4 }], request_id: 'big' }));
    await node.commit();
    expect(await f.client.get(`${PREFIX}state/snapshot`).string()).not.toBeNull();
    expect(await f.client.getAll().prefix(`${PREFIX}state/log/`).count()).toBeLessThan(400);

    const next = new ResourceNode({ capacity: [['cpu', 99]] }, { durable: await EtcdStore.open(f, PREFIX, 100_000), cluster: {} });
    const status = (n: ResourceNode) => (JSON.parse(n.handle(line(1e9, { type: 'status' }))[0]!) as { body: unknown }).body;
    expect(status(next)).toEqual(status(node));
    // A request_id is answered from what was committed: the same reply, the same id.
    const again = line(++msgId, { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }], request_id: `${pad}1` });
    expect(next.handle(again)).toEqual(node.handle(again));

    // Once the election key is gone, the next commit is refused.
    await resign();
    node.handle(line(++msgId, { type: 'set_capacity', resources: { cpu: 5 } }));
    await expect(node.commit()).rejects.toBeInstanceOf(FencedOut);
  }, 60_000);
});
