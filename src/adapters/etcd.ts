import type { Etcd3, Namespace } from 'etcd3';

/** Seconds of the leader's lease: a killed leader is replaced after about this long. */
export const LEASE_SECONDS = 2;
/** Every unary etcd call gives up after this long: a lost majority must not hang the node. */
export const CALL_MS = 2000;

export interface ElectionOptions {
  /** etcd client URLs (`http://127.0.0.1:2379`). */
  readonly endpoints: readonly string[];
  /** Nodes with the same name share one ledger. */
  readonly cluster: string;
  /** The address this node publishes when it leads (`HOST:PORT` of --listen or --advertise). */
  readonly advertise: string;
  readonly log: (line: string) => void;
  /** The leader is at this address now (undefined while none is known); this node's own when it leads. */
  readonly leaderChanged: (address: string | undefined) => void;
  /** This node won: it alone may change the ledger while `fence` holds. */
  readonly elected: (fence: Fence) => void;
  /** This node was leader and is no longer sure of it (its lease was lost). */
  readonly deposed: (why: string) => void;
}

/** What a leader's writes are fenced by: its election key, as created. */
export interface Fence {
  readonly client: Etcd3;
  /** The cluster's namespace, `/resource-node/<cluster>/`. */
  readonly namespace: Namespace;
  /** The election key of this leader (absolute). */
  readonly key: string;
  /** Its create revision: a commit succeeds only while the key still has it. */
  readonly createRevision: string;
}

/** The keys of one cluster: `/resource-node/<cluster>/`. */
export function clusterPrefix(cluster: string): string {
  return `/resource-node/${cluster}/`;
}

/** How often each node reads who leads: the lowest election key (a failover waits at most this long more). */
const POLL_MS = 200;

/**
 * Joins the cluster's election (docs/cluster.md#the-election): each node puts a key under
 * `election/` on its own lease, valued with its address; the key created first leads. A node
 * reads the first key every POLL_MS, so it learns who leads and when its own key comes first.
 * The etcd client is loaded here, so a node without --etcd never loads it.
 */
export async function joinElection(o: ElectionOptions): Promise<{ close: () => Promise<void> }> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({
    hosts: [...o.endpoints],
    dialTimeout: CALL_MS,
    // A snapshot chunk or a page of the log is far below this; gRPC's default (4 MiB) is not a bound etcd knows.
    grpcOptions: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 },
    // Streams (keep-alives) live on; every other call has a deadline.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_MS }),
  });
  const prefix = clusterPrefix(o.cluster);
  const namespace = client.namespace(prefix);
  const electionPrefix = `${prefix}election/`;
  let closed = false;
  let leading = false;
  let mine: { key: string; revoke: () => Promise<void> } | undefined;
  let announced: string | undefined | null = null;
  let problem: string | undefined;

  const say = (what: string | undefined): void => {
    problem = undefined;
    if (what !== undefined) o.log(what);
  };
  const trouble = (what: string): void => {
    if (problem !== what) o.log(what);
    problem = what;
  };

  /** A key of this node's own on a fresh lease; a lost lease starts over (or deposes a leader). */
  const candidate = async (): Promise<void> => {
    const lease = client.lease(LEASE_SECONDS);
    lease.on('lost', (e: Error) => {
      if (closed) return;
      if (leading) {
        o.deposed(`etcd: the leader's lease was lost (${e.message})`);
        return;
      }
      mine = undefined;
    });
    const id = await lease.grant();
    const key = `${electionPrefix}${id}`;
    await lease.put(key).value(o.advertise);
    mine = { key, revoke: () => lease.revoke() };
  };

  const poll = async (): Promise<void> => {
    while (!closed) {
      try {
        if (mine === undefined) await candidate();
        const first = await client.getAll().prefix(electionPrefix).sort('Create', 'Ascend').limit(1).exec();
        const kv = first.kvs[0];
        const address = kv?.value.toString();
        if (address !== announced) {
          announced = address;
          o.leaderChanged(address);
        }
        if (kv !== undefined && mine !== undefined && kv.key.toString() === mine.key && !leading) {
          leading = true;
          o.elected({ client, namespace, key: mine.key, createRevision: kv.create_revision });
        }
        say(problem === undefined ? undefined : 'etcd: reachable again');
      } catch (e) {
        trouble(`etcd: ${(e as Error).message}`);
      }
      await sleep(POLL_MS);
    }
  };

  void poll();
  return {
    close: async () => {
      closed = true;
      // Revoking lets another node lead at once instead of after the lease.
      await mine?.revoke().catch(() => {});
      client.close();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
