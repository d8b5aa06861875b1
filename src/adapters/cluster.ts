import type { Request } from '../protocol/envelope.js';
import type { NodeConfig } from '../server/config.js';
import { ResourceNode, type DurableStore, type LineHandler, type LineSink } from '../server/node.js';
import { LeaderLink } from './leader-link.js';

export interface ClusterNodeOptions {
  readonly config: NodeConfig;
  readonly clock: () => number;
  readonly log: (line: string) => void;
  /** This node's published address; also how it names itself to a leader. */
  readonly advertise: string;
  /** The shared secret of --token-file, presented to the leader. */
  readonly secret: string | undefined;
  /** A line for client `dest`, wherever it is connected to this node. */
  readonly deliver: (dest: string, line: string) => void;
  /** After a burst of lines from elsewhere than a handled line: the edge writes them. */
  readonly delivered: () => void;
  /** The clients that spoke to this node. */
  readonly clients: () => string[];
}

/**
 * One node of a cluster (docs/cluster.md): a follower that forwards its clients' requests to
 * the leader, until it wins the election and serves the ledger itself. Edges drive it like a
 * single node; only the leader holds a ledger.
 */
export class ClusterNode implements LineHandler {
  private node: ResourceNode;
  private link: LeaderLink | undefined;
  private leading = false;

  constructor(private readonly o: ClusterNodeOptions) {
    const link = new LeaderLink({
      name: `node ${o.advertise}`,
      log: o.log,
      maxLineBytes: o.config.maxLineBytes,
      secret: o.secret,
      deliver: o.deliver,
      delivered: o.delivered,
      clients: o.clients,
      indefinite: (r) => this.node.dispatcher.errorLine(r, 'timeout', 'the leader was lost before this request was answered; its outcome is unknown (retry it with the same request_id)'),
      unavailable: (r) => this.node.dispatcher.errorLine(r, 'temporarily-unavailable', 'no leader could be reached; the request was not handled, retry it'),
    });
    this.link = link;
    this.node = new ResourceNode(o.config, { clock: o.clock, log: o.log, cluster: { forward: (request, line) => link.forward(request, line) } });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The leader is at `address` now; a follower connects there. */
  leaderAt(address: string | undefined): void {
    if (this.leading) return;
    this.link?.follow(address === this.o.advertise ? undefined : address);
  }

  /** Won the election: no longer follows (what it forwarded is answered code 0); the ledger is prepared next. */
  elected(): void {
    this.link?.follow(undefined);
  }

  /** Serves `node`'s ledger from now on; the requests held meanwhile are handled by it, in order. */
  lead(node: ResourceNode): void {
    const held = this.link?.stop() ?? [];
    this.link = undefined;
    this.node = node;
    this.leading = true;
    for (const { request, line } of held) this.replay(request, line);
    this.o.delivered();
  }

  /** A node serving the ledger restored from `durable`, named as its clients address it. */
  ledgerNode(durable: DurableStore): ResourceNode {
    return new ResourceNode(this.o.config, { clock: this.o.clock, log: this.o.log, cluster: {}, durable });
  }

  handleLine(line: string, lineNo: number, out: LineSink): void {
    this.node.handleLine(line, lineNo, out);
  }

  fireDeadlines(out: LineSink): void {
    this.node.fireDeadlines(out);
  }

  disconnected(srcs: Iterable<string>, out: LineSink): { ended: number; withdrawn: number } {
    return this.node.disconnected(srcs, out);
  }

  nextDeadline(): number {
    return this.node.nextDeadline();
  }

  commit(): void | Promise<void> {
    return this.node.commit();
  }

  /** A request taken while there was no leader: its stream may be gone, so every line goes by client. */
  private replay(request: Request, line: string): void {
    const sink: LineSink = { push: (l) => this.o.deliver(request.src, l), send: this.o.deliver };
    this.node.handleLine(line, 0, sink);
  }
}
