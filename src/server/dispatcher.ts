import type { OwedEvent } from '../core/events.js';
import type { ResourceManager } from '../core/manager.js';
import { looksLikePartOfMultiLineJson, parseEnvelope, type Request } from '../protocol/envelope.js';
import { CoreError } from '../core/errors.js';
import { ERRORS, NodeError, fail, wireError, type ErrorName } from '../protocol/errors.js';
import { closestName } from '../lib/closest-name.js';
import { printable, quoteShort } from '../protocol/printable.js';
import { encode, type Outgoing } from '../protocol/reply.js';
import { eventMessage } from './messages.js';
import type { HandlerResult, NodeState } from './handler.js';
import type { Gate, LineSink } from './node.js';
import { routes, type Route } from './routes.js';
import { describeError } from './validation.js';

export interface DispatcherOptions {
  readonly deterministic: boolean;
  /** The virtual clock, in --deterministic mode. */
  readonly virtualClock?: { now: number };
  /** One line for stderr (bad input, crashes). */
  readonly log: (line: string) => void;
  /** Told of every answered request (metrics); absent, nothing is counted. */
  readonly observer?: DispatchObserver;
  /**
   * In a cluster every reply names the node as its client addressed it (`dest`), never an `init`
   * name: one node's init must not rename the others' replies (docs/cluster.md).
   */
  readonly nameAsAddressed?: boolean;
  /** A follower's hand-off: takes a request (and its line) to the leader; the node then answers nothing itself. */
  readonly forward?: (request: Request, line: string) => void;
}

/** Sees each request the node answers: its body type and the reply's type and error code. */
export interface DispatchObserver {
  answered(requestType: unknown, replyType: string, errorCode: number | undefined): void;
}

/**
 * Turns input lines into output lines: envelope, schema, handler, reply. The only caller
 * of `encode`, so the only place that writes envelopes and `in_reply_to`.
 */
export class Dispatcher {
  readonly node: NodeState;
  private readonly table: Map<string, Route>;
  private readonly log: (line: string) => void;
  private readonly observer: DispatchObserver | undefined;
  private readonly nameAsAddressed: boolean;
  private readonly forward: ((request: Request, line: string) => void) | undefined;
  /** The one-line hint for pasted pretty-printed JSON is given once per run, not per line. */
  private hintedOneLine = false;

  constructor(
    readonly manager: ResourceManager,
    options: DispatcherOptions,
  ) {
    this.node = { nodeId: undefined, nodeIds: [], virtualClock: options.virtualClock };
    this.table = routes({ deterministic: options.deterministic });
    this.log = options.log;
    this.observer = options.observer;
    this.nameAsAddressed = options.nameAsAddressed === true;
    this.forward = options.forward;
  }

  /** The name replies go out under: the init name, or (undefined) each request's `dest`. */
  private get name(): string | undefined {
    return this.nameAsAddressed ? undefined : this.node.nodeId;
  }

  /** Handles one input line, appending every line it owes to `out`. */
  handleLine(line: string, lineNo: number, out: LineSink): void {
    if (isBlank(line)) return;
    const parsed = parseEnvelope(line);
    if ('problem' in parsed) {
      this.log(`line ${lineNo}: ${printable(parsed.problem)}; skipped`);
      if (!this.hintedOneLine && parsed.problem.startsWith('not JSON') && looksLikePartOfMultiLineJson(line)) {
        this.hintedOneLine = true;
        this.log(`line ${lineNo} looks like part of a message written over several lines: each message must be one whole JSON object on one line (print it compactly, e.g. with jq -c)`);
      }
      return;
    }
    const gate = out.gate;
    if (gate !== undefined && !gate.open && !admitted(parsed, gate)) {
      // Not heard: a stream that never proved itself must not draw another client's lines to it.
      out.push(this.replyText(parsed, errorResult(fail.abort(refusal(parsed))), lineNo));
      if (this.observer !== undefined) this.observer.answered(parsed.body.type, 'error', ERRORS.abort.code);
      return;
    }
    out.heard?.(parsed.src);
    if (this.forward !== undefined) {
      this.forward(parsed, line);
      return;
    }
    // Deadlines that fell due before this message come first, in the order they happened.
    this.emit(this.manager.advance(), out);
    const result = this.answer(parsed, lineNo, gate);
    out.push(this.replyText(parsed, result, lineNo));
    if (this.observer !== undefined) this.observer.answered(parsed.body.type, result.type, result.type === 'error' ? (result.fields as { code: number }).code : undefined);
    if (result.clients !== undefined) for (const c of result.clients) out.heard?.(c);
    if (result.events !== undefined) this.emit(result.events, out);
  }

  /** Releases what clients `srcs` hold and withdraws what they wait for (their connection closed; --release-on-disconnect). */
  disconnected(srcs: Iterable<string>, out: LineSink): { ended: number; withdrawn: number } {
    const { ended, withdrawn, events } = this.manager.releaseHolders(srcs, 'disconnected');
    this.emit(events, out);
    return { ended, withdrawn };
  }

  /** The reply's line; a reply that cannot be written (a bug) becomes code 13, so a reply still goes out. */
  private replyText(request: Request, result: HandlerResult, lineNo: number): string {
    try {
      // One literal in the shape every Outgoing has: a spread here halved throughput (figure 1).
      return encode(this.name, { dest: request.src, via: request.via, type: result.type, inReplyTo: request.msgId, fields: result.fields });
    } catch (e) {
      this.log(`line ${lineNo}: crash writing the reply ${JSON.stringify(result.type)}: ${printable(e instanceof Error ? e.message : String(e))}`);
      const fields = { code: ERRORS.crash.code, text: "internal error writing the reply; see the node's stderr" };
      return encode(this.name, { dest: request.src, via: request.via, type: 'error', inReplyTo: request.msgId, fields });
    }
  }

  /** An error answering `request` from outside a handler: a follower's code 0 when its leader was lost, or 11 when there is none. */
  errorLine(request: Request, error: ErrorName, text: string): string {
    return encode(this.name, { dest: request.src, via: request.via, type: 'error', inReplyTo: request.msgId, fields: { code: ERRORS[error].code, text } });
  }

  /** Fires deadlines due now (the edge calls this from its one timer). */
  fireDeadlines(out: LineSink): void {
    this.emit(this.manager.advance(), out);
  }

  /** Messages caused by the ledger, encoded in order. */
  emit(events: readonly OwedEvent[], out: LineSink): void {
    const names = this.manager.types;
    for (let i = 0; i < events.length; i++) {
      const m = eventMessage(events[i]!, names);
      if (out.send !== undefined) out.send(m.dest, encode(this.name, m));
      else out.push(encode(this.name, m));
    }
  }

  /** True when `src` may send what changes the node for all: anyone, unless --admin named some. */
  private mayAdminister(src: string): boolean {
    const admins = this.manager.admins;
    return admins.size === 0 || admins.has(src);
  }

  /** Encodes an arbitrary outgoing message (for the library's own use). */
  encode(m: Outgoing): string {
    return encode(this.name, m);
  }

  private answer(request: Request, lineNo: number, gate: Gate | undefined): HandlerResult {
    const type = request.body.type;
    if (type === undefined) return errorResult(new NodeError('malformed-request', 'type is required'));
    if (typeof type !== 'string') return errorResult(new NodeError('malformed-request', 'type must be a string'));
    const route = this.table.get(type);
    if (route === undefined) {
      const near = closestName(type, [...this.table.keys()]);
      return errorResult(new NodeError('not-supported', `unknown message type ${quoteShort(type)}${near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`}`));
    }
    // Before the schema: a client that may not send this learns nothing about its body.
    if (route.adminOnly && !this.mayAdminister(request.src)) {
      return errorResult(fail.precondition(`only an admin may send ${type}, and ${JSON.stringify(request.src)} is not one (--admin names them)`));
    }
    if (!route.validate(request.body)) {
      const first = route.validate.errors?.[0];
      return errorResult(new NodeError('malformed-request', first === undefined ? 'body is invalid' : describeError(first)));
    }
    try {
      return route.handle(request.body as never, { manager: this.manager, request, node: this.node, gate });
    } catch (e) {
      if (e instanceof CoreError) return errorResult(wireError(e));
      if (e instanceof NodeError) return errorResult(e);
      this.log(`line ${lineNo}: crash handling ${JSON.stringify(type)}: ${printable(e instanceof Error ? (e.stack ?? e.message) : String(e), true)}`);
      return errorResult(new NodeError('crash', `internal error handling ${JSON.stringify(type)}; see the node's stderr`));
    }
  }
}

/** A first message on a gated stream that opens the gate: `auth` with the right token. */
function admitted(request: Request, gate: Gate): boolean {
  const { type, token } = request.body;
  return type === 'auth' && typeof token === 'string' && gate.admit(token);
}

/** Why a gated stream's first message did not open it. */
function refusal(request: Request): string {
  const { type, token } = request.body;
  if (type !== 'auth') return "the first message on this connection must be auth with the node's token (--token-file)";
  return typeof token === 'string' ? 'wrong token' : 'auth needs "token", a string';
}

function errorResult(e: NodeError): HandlerResult {
  return { type: 'error', fields: { code: ERRORS[e.errorName].code, text: e.message } };
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
