import type { Socket } from 'node:net';
import { LineSplitter } from '../protocol/framing.js';
import type { Request } from '../protocol/envelope.js';

/** A request a follower took from one of its clients and has not had answered. */
export interface Forwarded {
  readonly request: Request;
  readonly line: string;
}

export interface LeaderLinkOptions {
  /** How this node names itself to the leader (the `src` of its own messages). */
  readonly name: string;
  readonly log: (line: string) => void;
  readonly maxLineBytes: number;
  /** The shared secret of --token-file, presented first on every connection. */
  readonly secret: string | undefined;
  /** A line from the leader for client `dest`. */
  readonly deliver: (dest: string, line: string) => void;
  /** Called after a burst of delivered lines: the edge writes them. */
  readonly delivered: () => void;
  /** The clients this node serves, named to each new leader. */
  readonly clients: () => string[];
  /** The line that answers a request whose outcome is unknown (code 0). */
  readonly indefinite: (request: Request) => string;
  /** The line that answers a request never sent on (code 11: there is no leader to send it to). */
  readonly unavailable: (request: Request) => string;
}

/** Requests held while there is no leader, at most. */
const MAX_HELD = 10_000;
/** How long a request may wait for a leader before it is refused (code 11). */
const NO_LEADER_MS = 10_000;
/** Pause between attempts to reach the same leader. */
const RETRY_MS = 200;

/**
 * A follower's one connection to the leader (docs/cluster.md#the-message-path): requests go out
 * as their clients wrote them, every line that comes back goes to the client it names. A
 * request whose answer had not come when the connection was lost gets code 0 (indefinite).
 */
export class LeaderLink {
  private address: string | undefined;
  private socket: Socket | undefined;
  private connected = false;
  /** Sent and not yet answered, by `msgId src`. */
  private readonly waiting = new Map<string, Request>();
  /** Taken while no leader was connected, in order. */
  private held: Forwarded[] = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private out: string[] = [];
  private writeQueued = false;
  private retry: NodeJS.Timeout | undefined;
  private ownMsgId = 0;
  private reported: string | undefined;
  private stopped = false;

  constructor(private readonly o: LeaderLinkOptions) {}

  /** Requests sent to the leader and not yet answered. */
  get unanswered(): number {
    return this.waiting.size;
  }

  /** The leader is now at `address` (undefined: none known): connects there, dropping any other. */
  follow(address: string | undefined): void {
    if (this.stopped || address === this.address) return;
    this.address = address;
    this.disconnect();
    if (address !== undefined) this.connect();
  }

  /** Sends a client's request to the leader, or holds it until there is one. */
  forward(request: Request, line: string): void {
    if (!this.connected) {
      this.hold({ request, line });
      return;
    }
    this.send(request, line);
  }

  /** Stops for good (this node became leader): what was held is handed back, unsent, in order. */
  stop(): Forwarded[] {
    this.stopped = true;
    this.disconnect();
    if (this.heldTimer !== undefined) clearTimeout(this.heldTimer);
    const held = this.held;
    this.held = [];
    return held;
  }

  private send(request: Request, line: string): void {
    this.waiting.set(`${request.msgId} ${request.src}`, request);
    this.write(line);
  }

  private write(line: string): void {
    this.out.push(line);
    if (this.writeQueued) return;
    this.writeQueued = true;
    // One write for every line of the burst being handled.
    queueMicrotask(() => {
      this.writeQueued = false;
      if (this.out.length === 0 || this.socket === undefined) return;
      this.out.push('');
      this.socket.write(this.out.join('\n'));
      this.out = [];
    });
  }

  private hold(f: Forwarded): void {
    if (this.held.length >= MAX_HELD) {
      this.o.deliver(f.request.src, this.o.unavailable(f.request));
      this.o.delivered();
      return;
    }
    this.held.push(f);
    this.heldTimer ??= setTimeout(() => {
      this.heldTimer = undefined;
      const held = this.held;
      this.held = [];
      for (const h of held) this.o.deliver(h.request.src, this.o.unavailable(h.request));
      this.o.delivered();
    }, NO_LEADER_MS);
  }

  private connect(): void {
    const address = this.address;
    if (address === undefined || this.stopped) return;
    const [host, port] = splitAddress(address);
    void import('node:net').then(({ connect }) => {
      if (this.address !== address || this.stopped || this.socket !== undefined) return;
      const socket = connect({ host, port, noDelay: true });
      this.socket = socket;
      const splitter = new LineSplitter(this.o.maxLineBytes, {
        line: (text) => this.received(text),
        oversize: (_n, bytes) => this.o.log(`leader ${address}: a line of ${bytes} bytes is over --max-line-bytes; skipped`),
      });
      socket.on('connect', () => {
        this.connected = true;
        this.reported = undefined;
        this.o.log(`following the leader at ${address}`);
        if (this.o.secret !== undefined) this.write(this.own({ type: 'auth', token: this.o.secret }));
        this.write(this.own({ type: 'attach', clients: this.o.clients() }));
        const held = this.held;
        this.held = [];
        if (this.heldTimer !== undefined) clearTimeout(this.heldTimer);
        this.heldTimer = undefined;
        for (const h of held) this.send(h.request, h.line);
      });
      socket.on('data', (chunk: Buffer) => {
        splitter.push(chunk);
        this.o.delivered();
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        const why = `${e.code ?? e.message}`;
        if (this.reported !== why) this.o.log(`leader ${address}: ${why}`);
        this.reported = why;
      });
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.lost();
        if (!this.stopped && this.address === address) this.retry = setTimeout(() => this.connect(), RETRY_MS);
      });
    });
  }

  private disconnect(): void {
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    const socket = this.socket;
    if (socket !== undefined) {
      this.lost();
      socket.destroy();
    }
  }

  /** The connection is gone: every request on it has an unknown outcome. */
  private lost(): void {
    this.socket = undefined;
    this.connected = false;
    this.out = [];
    if (this.waiting.size === 0) return;
    this.o.log(`lost the leader with ${this.waiting.size} request(s) unanswered; each gets code 0`);
    for (const request of this.waiting.values()) this.o.deliver(request.src, this.o.indefinite(request));
    this.waiting.clear();
    this.o.delivered();
  }

  private received(text: string): void {
    let dest: unknown;
    let inReplyTo: unknown;
    try {
      const m = JSON.parse(text) as { dest?: unknown; body?: { in_reply_to?: unknown } };
      dest = m.dest;
      inReplyTo = m.body?.in_reply_to;
    } catch {
      this.o.log(`leader ${this.address}: a line that is not JSON; skipped`);
      return;
    }
    if (typeof dest !== 'string') return;
    if (inReplyTo !== undefined) this.waiting.delete(`${inReplyTo as number} ${dest}`);
    // Answers to this node's own auth and attach are for no client.
    if (dest === this.o.name) return;
    this.o.deliver(dest, text);
  }

  private own(body: Record<string, unknown>): string {
    return JSON.stringify({ src: this.o.name, dest: this.address, body: { ...body, msg_id: ++this.ownMsgId } });
  }
}

/** `HOST:PORT` (`[::1]:PORT` for IPv6) as host and port. */
export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, Number(address.slice(colon + 1))];
}
