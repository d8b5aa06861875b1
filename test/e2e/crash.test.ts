import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeStateDir } from './sqlite.js';
import { BIN } from './spawn.js';

// A seeded workload against the built node with --state-dir, killed with SIGKILL at random
// moments and restarted on the same directory; after each restart every reply the driver had
// received must still hold. `make soak` runs it longer: CRASH_KILLS=N CRASH_SEED=S.
const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const SEED = Number(process.env.CRASH_SEED ?? 19);
const CLIENTS = ['c1', 'c2', 'c3', 'c4'];
const TYPES = ['cpu', 'gpu'] as const;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Request {
  readonly src: string;
  /** The msg_id of the first allocate: later grants answer it. */
  readonly msgId: number;
  readonly requestId: string;
  readonly type: (typeof TYPES)[number];
  readonly amount: number;
  /** What the driver was told: nothing yet, waiting, or granted as `id`. */
  state: 'unknown' | 'waiting' | 'granted' | 'ended';
  id?: string;
  /** A release or cancel of it was sent: the driver picks it for nothing more. */
  leaving?: boolean;
}

type Pending = { kind: 'allocate'; request: Request } | { kind: 'release'; request: Request } | { kind: 'cancel'; request: Request } | { kind: 'renew'; request: Request } | { kind: 'status'; resolve: (body: Record<string, unknown>) => void };

class Driver {
  readonly requests: Request[] = [];
  private readonly byMsg = new Map<number, Request>();
  private readonly byId = new Map<string, Request>();
  private readonly pending = new Map<number, Pending>();
  private nextMsg = 1;
  readonly problems: string[] = [];
  grantsSeen = 0;

  constructor(private readonly rnd: () => number) {}

  /** A reply or message from the node. */
  onLine(line: string): void {
    const { dest, body } = JSON.parse(line) as { dest: string; body: Record<string, unknown> & { type: string; in_reply_to: number } };
    const p = this.pending.get(body.in_reply_to);
    this.pending.delete(body.in_reply_to);
    if (body.type === 'allocated') {
      // A reply to an allocate (or its retry), or a later grant to a request that waited.
      const r = p?.kind === 'allocate' ? p.request : this.byMsg.get(body.in_reply_to);
      if (r === undefined || r.src !== dest) return void this.problems.push(`allocated for no request of ${dest}: ${line}`);
      this.granted(r, body.allocation_id as string);
      return;
    }
    if (p === undefined) return void this.problems.push(`a line answering nothing sent: ${line}`);
    const r = p.kind === 'status' ? undefined : p.request;
    switch (body.type) {
      case 'queued':
        if (r!.state === 'granted') this.problems.push(`${r!.requestId} was granted as ${r!.id}, and now is queued again`);
        else if (r!.state !== 'ended') r!.state = 'waiting';
        return;
      case 'released':
        if (body.allocation_id !== r!.id) this.problems.push(`released ${String(body.allocation_id)}, asked ${r!.id}`);
        r!.state = 'ended';
        return;
      case 'cancelled':
        r!.state = 'ended';
        return;
      case 'renewed':
        return;
      case 'status_ok':
        (p as Extract<Pending, { kind: 'status' }>).resolve(body);
        return;
      case 'error':
        // A cancel of a request already granted (22): the retry of its allocate says as what.
        if (p.kind === 'cancel' && (body.code === 22 || body.code === 20)) return;
        // The retry of a request whose cancel was made durable but not answered before the kill.
        if (p.kind === 'allocate' && body.code === 22 && /was cancelled/.test(String(body.text)) && r!.leaving === true) {
          r!.state = 'ended';
          return;
        }
        this.problems.push(`error for ${p.kind} of ${r?.requestId}: ${line}`);
        return;
      default:
        this.problems.push(`unexpected ${line}`);
    }
  }

  private granted(r: Request, id: string): void {
    if (r.state === 'granted' || r.state === 'ended') {
      if (r.id !== id) this.problems.push(`${r.requestId} granted twice: ${r.id} and ${id}`);
      return;
    }
    const other = this.byId.get(id);
    if (other !== undefined && other !== r) this.problems.push(`allocation ${id} given to ${other.requestId} and ${r.requestId}`);
    r.state = 'granted';
    r.id = id;
    this.byId.set(id, r);
    this.grantsSeen++;
  }

  private send(child: ChildProcessWithoutNullStreams, src: string, body: Record<string, unknown>, p: Pending): number {
    const msgId = this.nextMsg++;
    this.pending.set(msgId, p);
    child.stdin.write(`${JSON.stringify({ src, dest: 'n1', body: { ...body, msg_id: msgId } })}\n`);
    return msgId;
  }

  private allocate(child: ChildProcessWithoutNullStreams, r: Request): number {
    // A retry the node had not seen before the kill becomes the request: later grants answer it.
    this.byMsg.set(this.nextMsg, r);
    return this.send(child, r.src, { type: 'allocate', requirements: [{ type: r.type, amount: r.amount }], request_id: r.requestId, lease_ms: 3_600_000, timeout_ms: 3_600_000 }, { kind: 'allocate', request: r });
  }

  /** After a restart: what was sent and not answered is asked again (allocates by their request_id). */
  recover(child: ChildProcessWithoutNullStreams): void {
    const unanswered = [...this.pending.values()];
    this.pending.clear();
    // Every request not known to have ended: its retry says whether it waits or as what it was granted.
    for (const r of this.requests) if (r.state !== 'ended') this.allocate(child, r);
    for (const p of unanswered) {
      if (p.kind === 'release' || p.kind === 'cancel') this.act(child, p.kind, p.request);
    }
  }

  private act(child: ChildProcessWithoutNullStreams, kind: 'release' | 'cancel' | 'renew', r: Request): void {
    if (kind !== 'renew') r.leaving = true;
    if (kind === 'release') this.send(child, r.src, { type: 'release', allocation_id: r.id, job_status: 'completed' }, { kind, request: r });
    else if (kind === 'cancel') this.send(child, r.src, { type: 'cancel', request_msg_id: r.msgId }, { kind, request: r });
    else this.send(child, r.src, { type: 'renew', allocation_id: r.id, lease_ms: 3_600_000 }, { kind, request: r });
  }

  /** One random operation. */
  step(child: ChildProcessWithoutNullStreams): void {
    const x = this.rnd();
    const held = this.requests.filter((r) => r.state === 'granted' && r.leaving !== true);
    const waiting = this.requests.filter((r) => r.state === 'waiting' && r.leaving !== true);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(this.rnd() * xs.length)]!;
    if (x < 0.45 || held.length === 0) {
      const src = pick(CLIENTS);
      const r: Request = { src, msgId: this.nextMsg, requestId: `r${this.requests.length}`, type: pick(TYPES), amount: 1 + Math.floor(this.rnd() * 2), state: 'unknown' };
      this.requests.push(r);
      this.allocate(child, r);
    } else if (x < 0.85) this.act(child, 'release', pick(held));
    else if (x < 0.93 && waiting.length > 0) this.act(child, 'cancel', pick(waiting));
    else this.act(child, 'renew', pick(held));
  }

  status(child: ChildProcessWithoutNullStreams): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.send(child, 'checker', { type: 'status' }, { kind: 'status', resolve }));
  }

  /** Every grant the driver was told of is held, nothing else is, and what it was told waits, waits. */
  check(status: Record<string, unknown>, when: string): void {
    const held = this.requests.filter((r) => r.state === 'granted');
    const waiting = this.requests.filter((r) => r.state === 'waiting');
    const allocated = status.allocated as Record<string, number>;
    for (const t of TYPES) {
      const want = held.filter((r) => r.type === t).reduce((n, r) => n + r.amount, 0);
      if (allocated[t] !== want) this.problems.push(`${when}: ${t} allocated ${allocated[t]}, the driver holds ${want}`);
    }
    if (status.allocations !== held.length) this.problems.push(`${when}: ${String(status.allocations)} allocations, the driver holds ${held.length}`);
    if (status.queued !== waiting.length) this.problems.push(`${when}: ${String(status.queued)} waiting, the driver was told ${waiting.length} wait`);
  }

  get unanswered(): number {
    return this.pending.size;
  }
}

function startNode(dir: string, onLine: (line: string) => void): { child: ChildProcessWithoutNullStreams; exited: Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, '--state-dir', dir, '--capacity', 'cpu=4,gpu=2'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});
  let rest = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const lines = (rest + d).split('\n');
    rest = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, exited, stderr: () => err };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStateDir('--state-dir under kill -9', () => {
  it(`keeps every reply a client received across ${KILLS} kills at random moments (seed ${SEED})`, async () => {
    const rnd = random(SEED);
    const driver = new Driver(rnd);
    let kills = 0;
    for (let cycle = 0; cycle <= KILLS; cycle++) {
      const node = startNode(dir, (l) => driver.onLine(l));
      try {
        driver.recover(node.child);
        const status = await Promise.race([driver.status(node.child), node.exited.then(() => undefined)]);
        if (status === undefined) throw new Error(`the node exited on restart ${cycle}: ${node.stderr()}`);
        driver.check(status, `after restart ${cycle}`);
        expect(driver.problems).toEqual([]);
        if (cycle === KILLS) break;
        // A burst of work, killed at a random moment within it (often between a commit and its write).
        const killAt = Date.now() + 5 + rnd() * 60;
        while (Date.now() < killAt) {
          for (let i = 0; i < 1 + Math.floor(rnd() * 8); i++) driver.step(node.child);
          await sleep(rnd() * 6);
        }
      } finally {
        node.child.kill('SIGKILL');
        await node.exited;
      }
      kills++;
      expect(driver.problems).toEqual([]);
    }
    expect(kills).toBe(KILLS);
    // The workload did grant and wait: a test of nothing would pass too.
    expect(driver.grantsSeen).toBeGreaterThan(KILLS);
  }, 30_000 + KILLS * 1_000);
});
