import { Hub } from '../adapters/hub.js';
import { boundAddress, listen } from '../adapters/tcp.js';
import { TokenFileError, loadToken, readTokenFile, type Token } from '../adapters/token.js';
import { ClusterNode } from '../adapters/cluster.js';
import { clusterPrefix, joinElection } from '../adapters/etcd.js';
import { EtcdStore } from '../adapters/etcd-store.js';
import { printable } from '../protocol/printable.js';
import { ResourceNode, type DurableStore } from '../server/node.js';
import type { ClusterFlags, Command, ServiceFlags } from './flags.js';
import type { HttpEdgeSetup } from './http-edge.js';

/**
 * The node as a network service (--listen): TCP connections and stdin/stdout are streams of one
 * hub. End of stdin does not stop it; SIGTERM and SIGINT do, after writing what is owed.
 */
/** Ended allocations and request_id outcomes remembered: the manager's default, kept by the store alike. */
const REMEMBER = 100_000;

export async function serve(command: Extract<Command, { kind: 'run' }>, service: ServiceFlags, log: (line: string) => void, durable?: DurableStore, http?: HttpEdgeSetup): Promise<void> {
  let token: Token | undefined;
  try {
    token = service.tokenFile === undefined ? undefined : await loadToken(service.tokenFile);
  } catch (e) {
    if (!(e instanceof TokenFileError)) throw e;
    process.stderr.write(`resource-node: ${printable(e.message)}\n`);
    process.exit(2);
  }
  const { config } = command;
  const clock = Date.now;
  // The node's lines about bad input name the stream it came on.
  const nodeLog = (line: string): void => log(hub.reading === undefined ? line : `${hub.reading}: ${line}`);
  let advertise = service.cluster?.advertise;
  const cluster =
    service.cluster === undefined
      ? undefined
      : new ClusterNode({
          config,
          clock,
          log: nodeLog,
          // Known once bound, before any line is forwarded.
          get advertise() {
            return advertise!;
          },
          secret: token === undefined ? undefined : readTokenFile(service.tokenFile!),
          deliver: (dest, line) => hub.send(dest, line),
          delivered: () => hub.flush(),
          clients: () => hub.clients(),
        });
  const node = cluster ?? new ResourceNode(config, { clock, log: nodeLog, ...http?.io, ...(durable === undefined ? {} : { durable }) });
  // --http and --etcd are refused together (flags.ts), so a served node is never a cluster's.
  if (cluster === undefined) void http?.serve(node as ResourceNode);
  const hub: Hub = new Hub(node, {
    log,
    maxLineBytes: config.maxLineBytes,
    maxUnreadBytes: service.maxUnreadBytes,
    clock: config.deterministic ? undefined : clock,
    releaseOnDisconnect: service.releaseOnDisconnect,
    commitsLater: cluster !== undefined,
    commitFailed: (e) => {
      // Nothing the failed commit covers was written; a supervisor restarts the node as a follower.
      log(`etcd: a commit failed (${e.message}); stopping so that no reply reports a change the cluster may not keep`);
      process.exit(1);
    },
  });
  // stdin is one more stream, trusted as the parent's: it needs no token, and its end is not a disconnect.
  const stdio = hub.attach(process.stdin, process.stdout, {
    name: 'stdin',
    endOutputWithInput: false,
    releasable: false,
    destroy: () => {
      process.stdin.destroy();
      stdio.closed();
    },
  });
  process.stdin.on('end', stdio.ended);
  // A parent that stopped reading leaves the service running for its connections.
  process.stdout.on('error', stdio.closed);
  listen(hub, { host: service.host, port: service.port, log, token, maxConnections: service.maxConnections }).then(
    (server) => {
      log(`listening on ${boundAddress(server)}`);
      let leave: (() => Promise<void>) | undefined;
      if (cluster !== undefined) {
        advertise ??= boundAddress(server);
        if (/^(0\.0\.0\.0|\[::\]):/.test(advertise)) {
          log(`--listen ${service.host}: the other nodes cannot dial a wildcard address; say where they reach this one with --advertise HOST:PORT`);
          process.exit(2);
        }
        joinCluster(cluster, service.cluster!, advertise, hub, log).then(
          (close) => {
            leave = close;
          },
          (e: Error) => {
            log(`etcd: cannot join cluster ${JSON.stringify(service.cluster!.name)}: ${e.message}`);
            process.exit(1);
          },
        );
      }
      const stop = (): void => {
        server.close();
        hub.stop(command.shutdownGraceMs, (undelivered) => {
          if (undelivered > 0) log(`stopped with ${undelivered === 1 ? '1 reply' : `${undelivered} replies`} not delivered: not read in time`);
          // Leaving the cluster after the last commit and write lets another node lead at once.
          const left = leave?.() ?? Promise.resolve();
          void Promise.race([left, new Promise((r) => setTimeout(r, 2000))]).finally(() => process.exit(0));
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (e: NodeJS.ErrnoException) => {
      log(`--listen ${service.host}:${service.port}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
      process.exit(2);
    },
  );
}

/** Campaigns and follows (docs/cluster.md); resolves with what leaves the cluster on stop. */
async function joinCluster(node: ClusterNode, flags: ClusterFlags, advertise: string, hub: Hub, log: (line: string) => void): Promise<() => Promise<void>> {
  const election = await joinElection({
    endpoints: flags.endpoints,
    cluster: flags.name,
    advertise,
    log,
    leaderChanged: (address) => {
      if (!node.isLeader) log(address === undefined ? 'no leader at the moment' : address === advertise ? 'this node leads' : `the leader is ${address}`);
      node.leaderAt(address);
    },
    elected: (fence) => {
      node.elected();
      // The ledger as etcd holds it, through the same restore as --state-dir.
      EtcdStore.open(fence, clusterPrefix(flags.name), REMEMBER).then(
        (store) => {
          node.lead(node.ledgerNode(store));
          hub.flush();
          log(`leading cluster ${JSON.stringify(flags.name)} at ${advertise}`);
        },
        (e: Error) => {
          log(`etcd: cannot read the cluster's state: ${e.message}; stopping`);
          process.exit(1);
        },
      );
    },
    deposed: (why) => {
      // A leader that cannot prove it still leads stops at once: a supervisor restarts it as a follower.
      log(`${why}; stopping so that no reply can report a change the ledger lost`);
      process.exit(1);
    },
  });
  return election.close;
}
