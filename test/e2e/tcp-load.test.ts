import { afterAll, describe, expect, it } from 'vitest';
import { Client, listening, type Listening, type Message } from './listening.js';
import { envelope } from './spawn.js';

/** A small seeded generator (mulberry32): the same run every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONNECTIONS = 50;
const OPS = 100;
const TYPES = ['cpu', 'memory', 'gpu'];

/**
 * One client on its own connection: requests one at a time, each awaited; grants and
 * timeouts of its waiting allocates may come in between, and are checked as they come.
 */
class LoadClient {
  private nextId = 1;
  private outstanding: { msgId: number; resolve: (m: Message) => void } | undefined;
  /** Allocate msg_ids and how each ended: 'granted' | 'queued' | 'cancelled' | 'timed out'. */
  readonly fate = new Map<number, string>();
  readonly held = new Map<number, string>();
  readonly waiting = new Set<number>();
  readonly problems: string[] = [];

  constructor(
    readonly src: string,
    readonly conn: Client,
  ) {}

  /** Takes every message as it comes, and routes it: the reply awaited, or a later event. */
  async pump(): Promise<void> {
    for (;;) {
      let m: Message;
      try {
        [m] = (await this.conn.take(1, 60_000)) as [Message];
      } catch {
        return;
      }
      if (m.dest !== this.src) this.problems.push(`got a line for ${m.dest}`);
      const inReplyTo = m.body.in_reply_to as number;
      if (this.outstanding?.msgId === inReplyTo) {
        const o = this.outstanding;
        this.outstanding = undefined;
        o.resolve(m);
      } else if (this.waiting.has(inReplyTo)) {
        this.waiting.delete(inReplyTo);
        if (m.body.type === 'allocated') {
          this.fate.set(inReplyTo, 'granted');
          this.held.set(inReplyTo, m.body.allocation_id as string);
        } else if (m.body.type === 'error' && m.body.code === 0) {
          this.fate.set(inReplyTo, 'timed out');
        } else this.problems.push(`unexpected ${JSON.stringify(m.body)}`);
      } else {
        this.problems.push(`a second answer, or one to nothing: ${JSON.stringify(m.body)}`);
      }
    }
  }

  ask(body: Record<string, unknown>): Promise<Message> {
    const msgId = this.nextId++;
    return new Promise((resolve) => {
      this.outstanding = { msgId, resolve };
      this.conn.send(this.src, { ...body, msg_id: msgId });
    });
  }

  async allocate(rand: () => number): Promise<void> {
    const types = TYPES.filter(() => rand() < 0.5);
    if (types.length === 0) types.push('cpu');
    const requirements = types.map((type) => ({ type, amount: 1 + Math.floor(rand() * (type === 'gpu' ? 2 : 6)) }));
    const timeout = rand() < 0.3 ? { timeout_ms: 20 + Math.floor(rand() * 80) } : {};
    const msgId = this.nextId;
    const r = await this.ask({ type: 'allocate', requirements, ...timeout });
    if (r.body.type === 'allocated') {
      this.fate.set(msgId, 'granted');
      this.held.set(msgId, r.body.allocation_id as string);
    } else if (r.body.type === 'queued') {
      this.fate.set(msgId, 'queued');
      this.waiting.add(msgId);
    } else this.problems.push(`allocate answered ${JSON.stringify(r.body)}`);
  }

  async release(msgId: number): Promise<void> {
    const id = this.held.get(msgId)!;
    const r = await this.ask({ type: 'release', allocation_id: id, job_status: 'completed' });
    if (r.body.type !== 'released') this.problems.push(`release answered ${JSON.stringify(r.body)}`);
    this.held.delete(msgId);
  }

  async cancel(msgId: number): Promise<void> {
    const r = await this.ask({ type: 'cancel', request_msg_id: msgId });
    if (r.body.type === 'cancelled') {
      this.waiting.delete(msgId);
      this.fate.set(msgId, 'cancelled');
    } else if (!(r.body.type === 'error' && (r.body.code === 22 || r.body.code === 20))) {
      // 22: granted just before; 20: timed out just before. Either came first on this connection.
      this.problems.push(`cancel answered ${JSON.stringify(r.body)}`);
    }
  }

  /** allocated + free = capacity for every type, seen through status. */
  async checkLedger(): Promise<void> {
    const { body } = await this.ask({ type: 'status' });
    const [cap, free, allocated] = [body.capacity, body.free, body.allocated] as Record<string, number>[];
    for (const t of TYPES) if (allocated![t]! + free![t]! !== cap![t]) this.problems.push(`status: ${t} allocated ${allocated![t]} + free ${free![t]} is not ${cap![t]}`);
  }

  async run(rand: () => number): Promise<void> {
    for (let i = 0; i < OPS; i++) {
      if (i % 25 === 0) await this.checkLedger();
      const x = rand();
      if (this.held.size > 0 && x < 0.4) await this.release([...this.held.keys()][Math.floor(rand() * this.held.size)]!);
      else if (this.waiting.size > 0 && x < 0.55) await this.cancel([...this.waiting][Math.floor(rand() * this.waiting.size)]!);
      else await this.allocate(rand);
    }
  }

  /** Gives everything back: cancels what waits (a grant may beat the cancel: then it is released). */
  async settle(): Promise<void> {
    while (this.held.size > 0 || this.waiting.size > 0) {
      for (const msgId of [...this.held.keys()]) await this.release(msgId);
      for (const msgId of [...this.waiting]) await this.cancel(msgId);
    }
  }
}

let node: Listening | undefined;
afterAll(async () => {
  node?.child.kill('SIGKILL');
  await node?.exit;
});

describe('load over loopback', () => {
  it('50 connections, a seeded mix of allocate, release and cancel: every request answered once, the ledger whole, a non-reader harmless', async () => {
    node = await listening(['--capacity', 'cpu=16,memory=32,gpu=4']);
    // One connection that sends and never reads.
    const deaf = await Client.open(node.port);
    deaf.socket.pause();
    deaf.socket.write(`${Array.from({ length: 5000 }, (_, i) => envelope('deaf', { type: 'status', msg_id: i })).join('\n')}\n`);

    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async (_, i) => new LoadClient(`c${i}`, await Client.open(node!.port))));
    const pumps = clients.map((c) => c.pump());
    const t0 = Date.now();
    await Promise.all(clients.map((c, i) => c.run(random(1000 + i))));
    await Promise.all(clients.map((c) => c.settle()));
    const ms = Date.now() - t0;

    const problems = clients.flatMap((c) => c.problems.map((p) => `${c.src}: ${p}`));
    expect(problems).toEqual([]);
    // Every allocate ended one way; none is still waiting or counted twice.
    const fates = clients.flatMap((c) => [...c.fate.values()]);
    expect(fates.filter((f) => f === 'queued')).toEqual([]);
    expect(new Set(fates)).toEqual(new Set(['granted', 'cancelled', 'timed out']));
    // Enough of each that the run exercised waiting, not only grants.
    for (const f of ['cancelled', 'timed out']) expect(fates.filter((x) => x === f).length, f).toBeGreaterThan(50);

    const watcher = await Client.open(node.port);
    const s = await watcher.ask('watcher', { type: 'status', msg_id: 1 });
    expect(s).toMatchObject({ allocations: 0, queued: 0, allocated: { cpu: 0, memory: 0, gpu: 0 }, free: s.capacity });
    const released = (s.job_statuses as Record<string, number>).completed!;
    expect(released).toBe(fates.filter((f) => f === 'granted').length);
    expect(ms).toBeLessThan(10_000);
    expect(deaf.closed).toBe(false);
    for (const c of [...clients.map((x) => x.conn), deaf, watcher]) c.close();
    await Promise.all(pumps);
  }, 30_000);
});
