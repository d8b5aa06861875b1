import type { Campaign, Etcd3, Namespace } from 'etcd3';

/** Seconds of the leader's lease: a killed leader is replaced after about this long. */
export const LEASE_SECONDS = 2;
/** Every unary etcd call gives up after this long: a lost majority must not hang the node. */
export const CALL_MS = 2000;
/** How long to wait before campaigning or observing again after etcd failed. */
const AGAIN_MS = 500;

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

/**
 * Joins the cluster's election (docs/cluster.md): campaigns with this node's address and
 * watches who leads. The etcd client is loaded here, so a node without --etcd never loads it.
 */
export async function joinElection(o: ElectionOptions): Promise<{ close: () => Promise<void> }> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({
    hosts: [...o.endpoints],
    dialTimeout: CALL_MS,
    // Streams (watches, keep-alives) live on; every other call has a deadline.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_MS }),
  });
  const namespace = client.namespace(clusterPrefix(o.cluster));
  const election = namespace.election('leader', LEASE_SECONDS);
  let closed = false;
  let leading = false;

  const observe = async (): Promise<void> => {
    while (!closed) {
      try {
        const observer = await election.observe();
        o.leaderChanged(observer.leader());
        // The event's value may be stale on the first change; the observer's own is not.
        observer.on('change', () => o.leaderChanged(observer.leader()));
        await new Promise<void>((resolve) => {
          observer.once('error', (e: Error) => {
            if (!closed) o.log(`etcd: watching the leader: ${e.message}`);
            resolve();
          });
        });
        void observer.cancel().catch(() => {});
      } catch (e) {
        if (!closed) o.log(`etcd: watching the leader: ${(e as Error).message}`);
      }
      await sleep(AGAIN_MS);
    }
  };

  let campaign: Campaign | undefined;
  const campaignOnce = (): void => {
    if (closed) return;
    const c = election.campaign(o.advertise);
    campaign = c;
    c.on('elected', () => {
      void (async () => {
        try {
          const key = await c.getCampaignKey();
          const res = await client.get(key).exec();
          const kv = res.kvs[0];
          if (kv === undefined) throw new Error('the election key vanished');
          leading = true;
          o.elected({ client, namespace, key, createRevision: kv.create_revision });
        } catch (e) {
          o.log(`etcd: after winning the election: ${(e as Error).message}`);
          void c.resign().catch(() => {});
        }
      })();
    });
    c.on('error', (e: Error) => {
      if (closed || campaign !== c) return;
      campaign = undefined;
      if (leading) {
        o.deposed(`etcd: the leader's lease was lost (${e.message})`);
        return;
      }
      o.log(`etcd: campaigning: ${e.message}; trying again`);
      void c.resign().catch(() => {});
      setTimeout(campaignOnce, AGAIN_MS);
    });
  };

  void observe();
  campaignOnce();
  return {
    close: async () => {
      closed = true;
      // Resigning lets another node lead at once instead of after the lease.
      await campaign?.resign().catch(() => {});
      client.close();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
