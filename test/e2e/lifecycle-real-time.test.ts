import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';

// The built binary on real time (no --deterministic): short timeouts and leases fire from
// the node's one deadline timer. Only order and eventual arrival are asserted, never timing.

const bin = new URL('../../bin/resource-node', import.meta.url).pathname;

interface Msg {
  src: string;
  dest: string;
  body: Record<string, unknown>;
}

class Live {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: Msg[] = [];
  private buffered = '';
  private waiters: (() => void)[] = [];

  constructor(args: string[] = []) {
    this.child = spawn(process.execPath, [bin, ...args]);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const l of lines) if (l !== '') this.out.push(JSON.parse(l) as Msg);
      for (const w of this.waiters) w();
    });
  }

  send(src: string, body: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify({ src, dest: 'n1', body })}\n`);
  }

  /** Resolves once `count` messages satisfying `match` have arrived (10 s at most). */
  async until(match: (m: Msg) => boolean, count = 1): Promise<Msg[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hits = this.out.filter(match);
      if (hits.length >= count) return hits;
      if (Date.now() > deadline) throw new Error(`timed out waiting; got ${JSON.stringify(this.out.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  async end(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.on('close', resolve));
  }
}

let nodes: Live[] = [];
const live = (args?: string[]): Live => {
  const n = new Live(args);
  nodes.push(n);
  return n;
};
afterEach(() => {
  for (const n of nodes) if (n.child.exitCode === null) n.child.kill();
  nodes = [];
});

const typeOf = (t: string) => (m: Msg) => m.body.type === t;
const gpu = (amount: number) => [{ type: 'gpu', amount }];

describe('timeouts and leases on real time, from the built binary', () => {
  it('a waiting allocate with timeout_ms gets error code 0 in reply to it, after its queued', async () => {
    const n = live();
    n.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(2) });
    n.send('c2', { type: 'allocate', msg_id: 2, requirements: gpu(1), timeout_ms: 50 });
    const [err] = await n.until(typeOf('error'));
    expect(err).toEqual({ src: 'n1', dest: 'c2', body: { type: 'error', in_reply_to: 2, code: 0, text: 'allocate timed out after 50 ms waiting for resources' } });
    expect(n.out.map((m) => m.body.type)).toEqual(['allocated', 'queued', 'error']);
    n.send('c1', { type: 'status', msg_id: 3 });
    const [s] = await n.until(typeOf('status_ok'));
    expect(s!.body.queued).toBe(0);
    expect(await n.end()).toBe(0);
  });

  it('an unrenewed lease expires: lease_expired to the holder, then the waiting request is granted', async () => {
    const n = live();
    n.send('c1', { type: 'init', msg_id: 1, node_id: 'n9', node_ids: ['n9'] });
    n.send('c1', { type: 'allocate', msg_id: 2, requirements: gpu(2), lease_ms: 50 });
    await n.until(typeOf('allocated'));
    const id = n.out[1]!.body.allocation_id;
    // Sent only once the lease runs, so either order of arrival is allowed: queued then granted, or granted at once.
    n.send('c2', { type: 'allocate', msg_id: 3, requirements: gpu(2) });
    await n.until((m) => m.dest === 'c2' && m.body.type === 'allocated');
    await n.until(typeOf('lease_expired'));
    expect(n.out.slice(0, 2).map((m) => [m.dest, m.body.type])).toEqual([
      ['c1', 'init_ok'],
      ['c1', 'allocated'],
    ]);
    const rest = n.out.slice(2).map((m) => [m.dest, m.body.type]);
    expect([
      [['c2', 'queued'], ['c1', 'lease_expired'], ['c2', 'allocated']],
      [['c1', 'lease_expired'], ['c2', 'allocated']],
    ]).toContainEqual(rest);
    expect(n.out.find(typeOf('lease_expired'))).toEqual({ src: 'n9', dest: 'c1', body: { type: 'lease_expired', allocation_id: id, resources_freed: { gpu: 2 } } });
    expect(n.out.at(-1)!.body.in_reply_to).toBe(3);
    expect(await n.end()).toBe(0);
  });

  it('a lease started by renew while another request waits: renewed, lease_expired, then the grant', async () => {
    const n = live();
    n.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(2) });
    n.send('c2', { type: 'allocate', msg_id: 2, requirements: gpu(1) });
    await n.until(typeOf('queued'));
    n.send('c1', { type: 'renew', msg_id: 3, allocation_id: n.out[0]!.body.allocation_id, lease_ms: 50 });
    await n.until(typeOf('allocated'), 2);
    expect(n.out.map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['c1', 'allocated', 1],
      ['c2', 'queued', 2],
      ['c1', 'renewed', 3],
      ['c1', 'lease_expired', undefined],
      ['c2', 'allocated', 2],
    ]);
    expect(await n.end()).toBe(0);
  });

  it('renew starts a lease that later expires; renewed comes first', async () => {
    const n = live();
    n.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(1) });
    const [a] = await n.until(typeOf('allocated'));
    const id = a!.body.allocation_id as string;
    n.send('c1', { type: 'renew', msg_id: 2, allocation_id: id, lease_ms: 50 });
    await n.until(typeOf('lease_expired'));
    expect(n.out.map((m) => m.body.type)).toEqual(['allocated', 'renewed', 'lease_expired']);
    n.send('c1', { type: 'renew', msg_id: 3, allocation_id: id });
    const [e] = await n.until(typeOf('error'));
    expect(e!.body).toMatchObject({ in_reply_to: 3, code: 22 });
    expect(await n.end()).toBe(0);
  });

  it('two thousand waiting requests with timeouts all time out, each once, same-length timeouts in arrival order', async () => {
    const n = live();
    n.send('c0', { type: 'allocate', msg_id: 0, requirements: gpu(2) });
    for (let i = 1; i <= 2000; i++) n.send(`c${i % 2}`, { type: 'allocate', msg_id: i, requirements: gpu(1), timeout_ms: i % 2 === 0 ? 50 : 80 });
    const errors = await n.until(typeOf('error'), 2000);
    expect(errors.every((m) => m.body.code === 0)).toBe(true);
    const evens = errors.filter((m) => m.dest === 'c0').map((m) => m.body.in_reply_to as number);
    expect(evens).toEqual(Array.from({ length: 1000 }, (_, k) => 2 * (k + 1)));
    expect(new Set(errors.map((m) => m.body.in_reply_to)).size).toBe(2000);
    expect(await n.end()).toBe(0);
  });

  it('tick is code 10 without --deterministic', async () => {
    const n = live();
    n.send('c1', { type: 'tick', msg_id: 1, ms: 10 });
    const [e] = await n.until(typeOf('error'));
    expect(e!.body).toEqual({ type: 'error', in_reply_to: 1, code: 10, text: 'tick moves the virtual clock, which only --deterministic has' });
    expect(await n.end()).toBe(0);
  });

  it('end of input exits 0 at once even with a lease and a timeout pending', async () => {
    const n = live();
    n.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(2), lease_ms: 600_000 });
    n.send('c2', { type: 'allocate', msg_id: 2, requirements: gpu(1), timeout_ms: 600_000 });
    await n.until(typeOf('queued'));
    expect(await n.end()).toBe(0);
  });
});
