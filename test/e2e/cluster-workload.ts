import { connect, type Socket } from 'node:net';

// A seeded mix of allocate/release/cancel from clients that reconnect to any live node, each
// keeping its own log of every message out and in; and a checker of the cluster's promises that
// reads nothing but those logs (docs/cluster.md#what-is-promised).

export type Body = Record<string, unknown> & { type: string };
export interface Entry {
  readonly t: number;
  readonly out: boolean;
  readonly body: Body;
}

/** A small seeded generator (mulberry32): the same seed, the same mix. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A reply that never comes is taken as lost after this long: the request is retried. */
const ANSWER_MS = 8000;

export class WorkClient {
  readonly log: Entry[] = [];
  /** Allocations this client was told it holds: id -> amount. */
  readonly held = new Map<string, number>();
  /** Its requests that wait, by request_id. */
  readonly waiting = new Set<string>();
  /** Releases answered 20: an acknowledged grant the cluster forgot. */
  readonly forgotten: string[] = [];
  private socket: Socket | undefined;
  private text = '';
  private msgId = 0;
  private readonly requestOf = new Map<number, { requestId: string; amount: number }>();
  private readonly grantedRequests = new Set<string>();
  private readonly amountOf = new Map<string, number>();
  private connections = 0;
  private resync = false;
  private answer: { msgId: number; resolve: (b: Body) => void } | undefined;
  stopped = false;

  constructor(
    readonly src: string,
    private readonly livePort: () => number | undefined,
    private readonly random: () => number,
  ) {}

  private async connect(): Promise<void> {
    for (;;) {
      const port = this.livePort();
      if (port !== undefined) {
        const ok = await new Promise<boolean>((resolve) => {
          const s = connect({ host: '127.0.0.1', port, noDelay: true });
          s.once('connect', () => {
            this.socket = s;
            resolve(true);
          });
          s.once('error', () => resolve(false));
          s.setEncoding('utf8');
          s.on('data', (d: string) => this.data(d));
          s.on('close', () => {
            if (this.socket === s) this.socket = undefined;
            this.text = '';
            // What was asked on it is lost: the ask resolves so the request is retried.
            this.answer?.resolve({ type: 'lost' });
          });
        });
        if (ok) {
          // Grants sent while it was away went nowhere: what waited is asked again (docs/cluster.md).
          if (this.connections++ > 0) this.resync = true;
          return;
        }
      }
      await sleep(100);
    }
  }

  private data(d: string): void {
    this.text += d;
    const lines = this.text.split('\n');
    this.text = lines.pop()!;
    for (const line of lines) {
      const m = JSON.parse(line) as { body: Body };
      this.log.push({ t: Date.now(), out: false, body: m.body });
      const to = m.body.in_reply_to as number | undefined;
      if (this.answer !== undefined && to === this.answer.msgId) this.answer.resolve(m.body);
      else this.later(m.body);
    }
  }

  /** A message that answers no question being asked: a grant to a request that waited, or a reply that came late. */
  private later(body: Body): void {
    const req = this.requestOf.get(body.in_reply_to as number);
    if (req === undefined) return;
    if (body.type === 'allocated') this.granted(req.requestId, body.allocation_id as string, req.amount);
    else if (body.type === 'queued' && !this.grantedRequests.has(req.requestId)) this.waiting.add(req.requestId);
  }

  private granted(requestId: string, id: string, amount: number): void {
    // A retry's answer names the allocation already held: kept once.
    if (this.grantedRequests.has(requestId)) return;
    this.grantedRequests.add(requestId);
    this.held.set(id, amount);
    this.waiting.delete(requestId);
  }

  private async ask(body: Record<string, unknown>): Promise<Body> {
    if (this.socket === undefined) await this.connect();
    const msgId = ++this.msgId;
    const full = { ...body, msg_id: msgId } as unknown as Body;
    this.log.push({ t: Date.now(), out: true, body: full });
    return new Promise<Body>((resolve) => {
      const timer = setTimeout(() => done({ type: 'lost' }), ANSWER_MS);
      const done = (b: Body): void => {
        clearTimeout(timer);
        this.answer = undefined;
        resolve(b);
      };
      this.answer = { msgId, resolve: done };
      if (body.type === 'allocate') this.requestOf.set(msgId, { requestId: body.request_id as string, amount: (body.requirements as { amount: number }[])[0]!.amount });
      this.socket!.write(`${JSON.stringify({ src: this.src, dest: 'n', body: full })}\n`);
    });
  }

  /** Asks until the answer is definite: code 0, code 11 and a lost connection are asked again. */
  private async definite(body: Record<string, unknown>): Promise<Body> {
    for (;;) {
      const reply = await this.ask(body);
      if (reply.type !== 'lost' && !(reply.type === 'error' && (reply.code === 0 || reply.code === 11))) return reply;
      await sleep(50 + 100 * this.random());
    }
  }

  private async allocate(n: number): Promise<void> {
    const requestId = `${this.src}-${n}`;
    const amount = 1 + Math.floor(this.random() * 3);
    this.amountOf.set(requestId, amount);
    await this.allocateAs(requestId, amount);
  }

  /** Allocates under `requestId`; asked again, it answers what the first time did (its grant, or that it waits). */
  private async allocateAs(requestId: string, amount: number): Promise<void> {
    const reply = await this.definite({ type: 'allocate', requirements: [{ type: 'cpu', amount }], request_id: requestId });
    if (reply.type === 'allocated') this.granted(requestId, reply.allocation_id as string, amount);
    else if (reply.type === 'queued' && !this.grantedRequests.has(requestId)) this.waiting.add(requestId);
  }

  async release(id: string): Promise<void> {
    const reply = await this.definite({ type: 'release', allocation_id: id });
    if (reply.type === 'released') this.held.delete(id);
    else if (reply.type === 'error' && reply.code === 20) {
      this.forgotten.push(id);
      this.held.delete(id);
    }
  }

  async cancel(requestId: string): Promise<void> {
    // It waits under the first of its messages that reached a leader, which a client cannot always know: each is tried, oldest first.
    const candidates = [...this.requestOf].filter(([, r]) => r.requestId === requestId).map(([m]) => m);
    for (const msgId of candidates) {
      const reply = await this.definite({ type: 'cancel', request_msg_id: msgId });
      if (reply.type === 'cancelled') {
        this.waiting.delete(requestId);
        return;
      }
      // 22: it was granted meanwhile (the grant comes, or came, as a message of its own).
      if (reply.type === 'error' && reply.code === 22) {
        await this.allocateAs(requestId, this.amountOf.get(requestId)!);
        return;
      }
    }
    // Unknown under every message: it was never kept, or its cancel was lost and then done.
    this.waiting.delete(requestId);
  }

  /** The seeded mix, until `stop()`. */
  async run(): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      await this.resyncWaiting();
      const r = this.random();
      const held = [...this.held.keys()];
      const cancellable = [...this.waiting];
      // A few waiting at a time: enough to be granted across a failover, not a growing queue.
      if (cancellable.length > 3 && r < 0.2) await this.cancel(cancellable[0]!);
      else if ((r < 0.5 && cancellable.length <= 3) || held.length === 0) await this.allocate(++n);
      else if (held.length > 0) await this.release(held[Math.floor(this.random() * held.length)]!);
      await sleep(5 + 15 * this.random());
    }
  }

  private async resyncWaiting(): Promise<void> {
    while (this.resync) {
      this.resync = false;
      for (const requestId of [...this.waiting]) await this.allocateAs(requestId, this.amountOf.get(requestId)!);
    }
  }

  /** Cancels what waits and releases what is held (after the caller compared the ledger). */
  async cancelWaiting(): Promise<void> {
    await this.resyncWaiting();
    for (const requestId of [...this.waiting]) await this.cancel(requestId);
  }

  async releaseAll(): Promise<void> {
    for (const id of [...this.held.keys()]) await this.release(id);
  }

  async status(): Promise<Body> {
    return this.definite({ type: 'status' });
  }

  close(): void {
    this.socket?.destroy();
  }
}

export interface Verdict {
  readonly problems: string[];
  /** Requests queued before a failover and granted after it. */
  readonly grantedAcrossFailover: number;
  readonly requests: number;
  readonly grants: number;
}

/** Checks the promises from the clients' logs alone; `failovers` are the moments leaders were killed. */
export function check(clients: readonly WorkClient[], capacity: number, failovers: readonly number[]): Verdict {
  const problems: string[] = [];
  const events: [number, number][] = [];
  const seen = new Set<string>();
  const amountOf = new Map<string, number>();
  let grantedAcrossFailover = 0;
  let requests = 0;
  let grants = 0;
  for (const c of clients) {
    const answers = new Map<number, { queued: number; definite: number }>();
    const amount = new Map<number, number>();
    const queuedAt = new Map<number, number>();
    const grantedAt = new Map<string, number>();
    for (const e of c.log) {
      if (e.out) {
        requests++;
        if (e.body.type === 'allocate') amount.set(e.body.msg_id as number, (e.body.requirements as { amount: number }[])[0]!.amount);
        if (e.body.type === 'release') {
          const at = grantedAt.get(e.body.allocation_id as string);
          // Held from the grant received to the first release sent: inside the ledger's own interval.
          if (at !== undefined) {
            events.push([e.t, -(amountOf.get(e.body.allocation_id as string) ?? 0)]);
            grantedAt.delete(e.body.allocation_id as string);
          }
        }
        continue;
      }
      const to = e.body.in_reply_to as number | undefined;
      if (to === undefined) continue;
      const a = answers.get(to) ?? { queued: 0, definite: 0 };
      answers.set(to, a);
      if (e.body.type === 'queued') {
        a.queued++;
        queuedAt.set(to, e.t);
      } else if (!(e.body.type === 'error' && e.body.code === 0)) {
        a.definite++;
      }
      if (a.queued > 1 || a.definite > 1) problems.push(`${c.src}: msg ${to} answered more than once (${JSON.stringify(e.body)})`);
      if (e.body.type === 'allocated') {
        const id = e.body.allocation_id as string;
        if (!seen.has(id)) {
          seen.add(id);
          grants++;
          const units = amount.get(to) ?? 0;
          amountOf.set(id, units);
          grantedAt.set(id, e.t);
          events.push([e.t, units]);
          const q = queuedAt.get(to);
          if (q !== undefined && failovers.some((f) => q < f && f < e.t)) grantedAcrossFailover++;
        }
      }
    }
    if (c.forgotten.length > 0) problems.push(`${c.src}: acknowledged grants unknown to the cluster: ${c.forgotten.join(', ')}`);
  }
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let held = 0;
  for (const [t, d] of events) {
    held += d;
    if (held > capacity) {
      problems.push(`over capacity at ${t}: ${held} > ${capacity}`);
      break;
    }
  }
  return { problems, grantedAcrossFailover, requests, grants };
}
