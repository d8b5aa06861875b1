import type { OwedEvent } from '../core/events.js';
import type { ResourceManager } from '../core/manager.js';
import type { Request } from '../protocol/envelope.js';
import type { Gate } from './node.js';

/** What the dispatcher knows about the node beyond the ledger. */
export interface NodeState {
  /** Set by `init`; until then replies use the `dest` each request was sent to. */
  nodeId: string | undefined;
  nodeIds: readonly string[];
  /** The virtual clock in --deterministic mode, else undefined. */
  readonly virtualClock: { now: number } | undefined;
}

export interface Context {
  readonly manager: ResourceManager;
  readonly request: Request;
  readonly node: NodeState;
  /** The stream's gate, when it must present a token (--token-file). */
  readonly gate: Gate | undefined;
}

/** A handler's answer: the reply body (without `in_reply_to`) and what it caused. */
export interface HandlerResult {
  readonly type: string;
  readonly fields?: object;
  /** Grants, expiries and job starts caused by this request, written after the reply. */
  readonly events?: readonly OwedEvent[];
  /** Clients whose lines go to the sender's stream from now on (`attach`: a cluster node's clients). */
  readonly clients?: readonly string[];
}

/** A handler receives a body its schema already accepted; it checks only state. */
export type Handler<B> = (body: B, ctx: Context) => HandlerResult;
