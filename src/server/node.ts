import { v7 as uuidv7 } from 'uuid';
import type { Request } from '../protocol/envelope.js';
import { ResourceManager, type ManagerOptions } from '../core/manager.js';
import { restore, type State } from '../core/snapshot.js';
import { bothStores, type Store } from '../core/store.js';
import { DEFAULT_CONFIG, type NodeConfig } from './config.js';
import { Dispatcher, type DispatchObserver } from './dispatcher.js';

/**
 * Where a node puts the lines it owes: an array, or an edge that writes as they come. An
 * edge serving many clients over separate streams (tcp) also defines the optional members.
 */
export interface LineSink {
  /** A line for the stream being read: the reply to its message, or every line when `send` is absent. */
  push(line: string): void;
  /** A line owed to client `dest` (a grant, a timeout, an expiry), wherever that client is. */
  send?(dest: string, line: string): void;
  /** The sender of a message the node is about to answer, told before any line that message causes. */
  heard?(src: string): void;
  /** Present while the stream being read must present the shared secret first (--token-file). */
  readonly gate?: Gate;
}

/** A stream that must open with `auth {token}` (docs/service.md#who-may-connect). */
export interface Gate {
  /** True once the stream presented the right token. */
  readonly open: boolean;
  /** Checks a presented token; afterwards the gate is open exactly when it matched. */
  admit(token: string): boolean;
}

/** What an edge (stdio, the hub) drives: a node, or a cluster node that is leader or follower in turn. */
export interface LineHandler {
  handleLine(line: string, lineNo: number, out: LineSink): void;
  fireDeadlines(out: LineSink): void;
  disconnected(srcs: Iterable<string>, out: LineSink): { ended: number; withdrawn: number };
  nextDeadline(): number;
  /** Makes the state changes so far durable; a promise when that finishes later (etcd). */
  commit(): void | Promise<void>;
}

export interface NodeIo {
  /** Wall-clock milliseconds (default `Date.now`); ignored in --deterministic mode. */
  readonly clock?: () => number;
  /** Fresh allocation (and reservation) ids; ignored in --deterministic mode. */
  readonly newId?: () => string;
  /** Lines for stderr. */
  readonly log?: (line: string) => void;
  /** Records every change of state (metrics); absent, the core records nothing. */
  readonly store?: Store;
  /** Told of every answered request (metrics). */
  readonly observer?: DispatchObserver;
  /** Cluster mode: replies are named as addressed, and a follower forwards every request (docs/cluster.md). */
  readonly cluster?: { readonly forward?: (request: Request, line: string) => void };
  /** Where state is kept across restarts (--state-dir): the node starts from what it restored. */
  readonly durable?: DurableStore;
}

/** A store that keeps state across restarts (src/adapters/state-dir.ts). */
export interface DurableStore extends Store {
  /** The state read at start, or undefined when there was none. */
  readonly restored: State | undefined;
  /** Told the manager whose events it records, once, before any. */
  attach(manager: ResourceManager): void;
  /** Makes what was recorded durable; called before any line that reports it is written. A promise when that finishes later (etcd): the lines wait for it. */
  commit(): void | Promise<void>;
}

/**
 * A whole node without I/O: feed it lines, get the lines it writes. The stdio program,
 * the golden tests and the library all drive this same object.
 */
export class ResourceNode implements LineHandler {
  readonly config: NodeConfig;
  readonly manager: ResourceManager;
  readonly dispatcher: Dispatcher;
  /** The node's clock: wall-clock ms, or the virtual clock under --deterministic. */
  readonly now: () => number;
  private lineNo = 0;
  private readonly durable: DurableStore | undefined;

  constructor(config: Partial<NodeConfig> = {}, io: NodeIo = {}) {
    this.config = { ...DEFAULT_CONFIG, ...config };
    const virtualClock = this.config.deterministic ? { now: 0 } : undefined;
    this.now = virtualClock !== undefined ? () => virtualClock.now : (io.clock ?? Date.now);
    const options: ManagerOptions = {
      capacity: this.config.capacity,
      clock: this.now,
      ...(this.config.deterministic ? { idPrefix: 'alloc-', reservationIdPrefix: 'res-' } : { newId: io.newId ?? (() => uuidv7()) }),
      policy: this.config.policy,
      maxBypass: this.config.maxBypass,
      maxQueue: this.config.maxQueue,
      maxJobs: this.config.maxJobs,
      maxAllocations: this.config.maxAllocations,
      pools: this.config.pools,
      admins: this.config.admins,
      tenants: this.config.tenants,
      preemption: this.config.preemption,
      preemptionGraceMs: this.config.preemptionGraceMs,
      store: bothStores(io.durable, io.store),
    };
    const restored = io.durable?.restored;
    this.manager = restored === undefined ? new ResourceManager(options) : restore(restored, options);
    io.durable?.attach(this.manager);
    this.durable = io.durable;
    this.dispatcher = new Dispatcher(this.manager, {
      deterministic: this.config.deterministic,
      virtualClock,
      log: io.log ?? (() => {}),
      observer: io.observer,
      nameAsAddressed: io.cluster !== undefined,
      forward: io.cluster?.forward,
    });
  }

  /** Makes the state changes so far durable (with --state-dir): every transport calls it before writing lines. */
  commit(): void | Promise<void> {
    return this.durable?.commit();
  }

  /** Handles one line (numbered in order of calls) and returns the lines it owes. */
  handle(line: string): string[] {
    const out: string[] = [];
    this.dispatcher.handleLine(line, ++this.lineNo, out);
    return out;
  }

  /** Handles one line with a caller-kept line number, appending output to `out`. */
  handleLine(line: string, lineNo: number, out: LineSink): void {
    this.lineNo = lineNo;
    this.dispatcher.handleLine(line, lineNo, out);
  }

  /** Fires deadlines due now; returns what they owe, or puts it into `out`. */
  fireDeadlines(): string[];
  fireDeadlines(out: LineSink): void;
  fireDeadlines(out?: LineSink): string[] | void {
    if (out !== undefined) {
      this.dispatcher.fireDeadlines(out);
      return;
    }
    const lines: string[] = [];
    this.dispatcher.fireDeadlines(lines);
    return lines;
  }

  /** Ends what clients `srcs` hold and withdraws what they wait for (--release-on-disconnect); what that owes goes into `out`. */
  disconnected(srcs: Iterable<string>, out: LineSink): { ended: number; withdrawn: number } {
    return this.dispatcher.disconnected(srcs, out);
  }

  /** The earliest pending deadline on the node's clock, or Infinity. */
  nextDeadline(): number {
    return this.manager.nextDeadline();
  }
}
