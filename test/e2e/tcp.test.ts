import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Client, listening, rssKiB, sleep, type Listening } from './listening.js';
import { envelope, parseLines } from './spawn.js';

const gpu = (msgId: number, amount: number) => ({ type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount }] });

const running: Listening[] = [];
const clients: Client[] = [];
async function node(args: string[] = []): Promise<Listening> {
  const n = await listening(args);
  running.push(n);
  return n;
}
async function client(n: Listening): Promise<Client> {
  const c = await Client.open(n.port);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const n of running.splice(0)) {
    n.child.kill('SIGKILL');
    await n.exit;
  }
});

const dir = mkdtempSync(join(tmpdir(), 'tcp-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--listen', () => {
  it('serves many connections at once, each getting only its own replies', async () => {
    const n = await node();
    const cs = await Promise.all(Array.from({ length: 20 }, () => client(n)));
    cs.forEach((c, i) => {
      c.send(`c${i}`, { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 0.25 }] });
      c.send(`c${i}`, { type: 'status', msg_id: 2 });
    });
    for (const [i, c] of cs.entries()) {
      const [a, s] = await c.take(2);
      expect([a!.dest, a!.body.type, a!.body.in_reply_to]).toEqual([`c${i}`, 'allocated', 1]);
      expect([s!.dest, s!.body.type, s!.body.in_reply_to]).toEqual([`c${i}`, 'status_ok', 2]);
    }
  });

  it('sends a later grant to the connection its client spoke on', async () => {
    const n = await node();
    const [a, b] = [await client(n), await client(n)];
    const held = await a.ask('c1', gpu(1, 2));
    expect(await b.ask('c2', gpu(7, 1))).toMatchObject({ type: 'queued', in_reply_to: 7 });
    expect(await a.ask('c1', { type: 'release', msg_id: 2, allocation_id: held.allocation_id })).toMatchObject({ type: 'released' });
    const [grant] = await b.take(1);
    expect(grant).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 7 } });
    await sleep(50);
    expect(a.pending).toBe(0);
  });

  it('follows a client that moves to another connection: only where it last spoke counts', async () => {
    const n = await node();
    const [a, b, c] = [await client(n), await client(n), await client(n)];
    const held = await a.ask('c1', gpu(1, 2));
    expect(await b.ask('c2', gpu(7, 1))).toMatchObject({ type: 'queued' });
    expect(await c.ask('c2', { type: 'status', msg_id: 8 })).toMatchObject({ type: 'status_ok' });
    await a.ask('c1', { type: 'release', msg_id: 2, allocation_id: held.allocation_id });
    expect((await c.take(1))[0]).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 7 } });
    await sleep(50);
    expect(b.pending).toBe(0);
  });

  it('drops a line for a client with no open connection, saying so on stderr', async () => {
    const n = await node();
    const [a, b] = [await client(n), await client(n)];
    const held = await a.ask('c1', gpu(1, 2));
    await b.ask('c2', gpu(7, 1));
    b.close();
    await sleep(100);
    expect(await a.ask('c1', { type: 'release', msg_id: 2, allocation_id: held.allocation_id })).toMatchObject({ type: 'released' });
    await sleep(100);
    expect(n.stderr()).toMatch(/a line for a client with no open connection dropped \(first for "c2"\)/);
    // The grant was made all the same: without --release-on-disconnect a client's holdings outlive its connection.
    expect(await a.ask('c1', { type: 'status', msg_id: 3 })).toMatchObject({ allocations: 1, queued: 0 });
  });

  it('names the connection in its stderr line about a bad line', async () => {
    const n = await node();
    const c = await client(n);
    c.socket.write('junk\n');
    expect(await c.ask('c1', { type: 'status', msg_id: 1 })).toMatchObject({ type: 'status_ok' });
    expect(n.stderr()).toMatch(/^resource-node: 127\.0\.0\.1:\d+: line 1: not JSON .*; skipped$/m);
  });

  it('answers a connection whose last line has no newline, then closes it', async () => {
    const n = await node();
    const c = await client(n);
    c.socket.end(JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'status', msg_id: 1 } }));
    const got = await c.untilClosed();
    expect(got.map((m) => m.body.type)).toEqual(['status_ok']);
  });

  it('keeps serving after end of stdin, and serves stdin too while it is open', async () => {
    const n = await node();
    n.child.stdin.write(`${envelope('s1', { type: 'status', msg_id: 1 })}\n`);
    const out: string[] = [];
    n.child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    while (out.join('').split('\n').length < 2) await sleep(10);
    expect(parseLines(out.join(''))[0]).toMatchObject({ dest: 's1', body: { type: 'status_ok', in_reply_to: 1 } });
    n.child.stdin.end();
    await sleep(100);
    const c = await client(n);
    expect(await c.ask('c1', { type: 'status', msg_id: 1 })).toMatchObject({ type: 'status_ok' });
  });

  it('on SIGTERM answers the lines it took, then exits 0', async () => {
    const n = await node();
    const c = await client(n);
    for (let i = 1; i <= 2000; i++) c.send('c1', { type: 'status', msg_id: i });
    await c.take(1);
    n.child.kill('SIGTERM');
    const r = await n.exit;
    expect(r.code).toBe(0);
    const rest = await c.untilClosed();
    // Whole replies, in order, with no gap: every line read was answered.
    const ids = rest.map((m) => m.body.in_reply_to);
    expect(ids).toEqual(ids.map((_, i) => i + 2));
  });

  it('refuses a bad --listen and an empty --token-file with exit 2', async () => {
    const { runNode } = await import('./spawn.js');
    expect((await runNode('', ['--listen', '7070'])).code).toBe(2);
    expect((await runNode('', ['--release-on-disconnect'])).stderr).toMatch(/--release-on-disconnect needs --listen/);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const busy = await runNode('', ['--listen', `127.0.0.1:${(taken.address() as AddressInfo).port}`]);
    taken.close();
    expect([busy.code, busy.stderr]).toEqual([2, expect.stringMatching(/EADDRINUSE/)]);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    const r = await runNode('', ['--listen', '127.0.0.1:0', '--token-file', empty]);
    expect([r.code, r.stderr]).toEqual([2, `resource-node: --token-file ${empty}: the file is empty; put the shared secret in it\n`]);
  });
});

describe('backpressure', () => {
  it('a connection that never reads is not read from, and never slows another: 10,000 round trips', async () => {
    const n = await node();
    const slow = await client(n);
    slow.socket.pause();
    // About 3 MB of replies, far more than socket buffers hold.
    const burst = Array.from({ length: 10_000 }, (_, i) => envelope('slow', { type: 'status', msg_id: i + 1 })).join('\n');
    slow.socket.write(`${burst}\n`);
    const fast = await client(n);
    const t0 = Date.now();
    for (let i = 1; i <= 10_000; i++) {
      const r = await fast.ask('fast', { type: 'allocate', msg_id: i, requirements: [{ type: 'cpu', amount: 1 }] });
      if (r.type !== 'allocated') throw new Error(JSON.stringify(r));
      fast.send('fast', { type: 'release', msg_id: -i, allocation_id: r.allocation_id });
      await fast.take(1);
    }
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(20_000);
    // Paused, not closed: its replies wait within the default bound.
    expect(slow.closed).toBe(false);
    expect(n.stderr()).not.toMatch(/closed/);
    expect(rssKiB(n.child.pid!)).toBeLessThan(200 * 1024);
  }, 30_000);

  it('closes a connection whose unread replies pass --max-unread-bytes, with a line on stderr', async () => {
    const n = await node(['--max-unread-bytes', '1024']);
    const slow = await client(n);
    slow.socket.pause();
    // About 26 MB of replies: more than the kernel's buffers on both sides take, so some stay with the node.
    for (let k = 0; k < 60; k++) slow.socket.write(`${Array.from({ length: 1000 }, (_, i) => envelope('slow', { type: 'status', msg_id: i })).join('\n')}\n`);
    const other = await client(n);
    expect(await other.ask('c1', { type: 'status', msg_id: 1 })).toMatchObject({ type: 'status_ok' });
    for (let i = 0; i < 500 && !/closed: more than 1024 bytes of replies unread/.test(n.stderr()); i++) await sleep(10);
    expect(n.stderr()).toMatch(/127\.0\.0\.1:\d+: closed: more than 1024 bytes of replies unread \(--max-unread-bytes\)/);
    expect(await other.ask('c1', { type: 'status', msg_id: 2 })).toMatchObject({ type: 'status_ok' });
  });
});

describe('--token-file', () => {
  const file = join(dir, 'token');
  writeFileSync(file, 's3cret\n');

  it('answers auth_ok to the token as first message, then serves the connection', async () => {
    const n = await node(['--token-file', file]);
    const c = await client(n);
    expect(await c.ask('c1', { type: 'auth', msg_id: 1, token: 's3cret' })).toEqual({ type: 'auth_ok', in_reply_to: 1 });
    expect(await c.ask('c1', { type: 'status', msg_id: 2 })).toMatchObject({ type: 'status_ok' });
  });

  it.each([
    ['a wrong token', [{ type: 'auth', msg_id: 1, token: 'guess' }], 'wrong token'],
    ['a missing token (first message not auth)', [{ type: 'status', msg_id: 1 }], "the first message on this connection must be auth with the node's token (--token-file)"],
    ['an auth without its token', [{ type: 'auth', msg_id: 1 }], 'auth needs "token", a string'],
    ['a late token (auth after another message)', [{ type: 'status', msg_id: 1 }, { type: 'auth', msg_id: 2, token: 's3cret' }], "the first message on this connection must be auth with the node's token (--token-file)"],
  ])('%s: one error, code 14, and the connection is closed', async (_, bodies, text) => {
    const n = await node(['--token-file', file]);
    const c = await client(n);
    for (const b of bodies) c.send('c1', b);
    const got = await c.untilClosed();
    expect(got.map((m) => m.body)).toEqual([{ type: 'error', in_reply_to: 1, code: 14, text }]);
    expect(n.stderr()).toMatch(/closed: it did not present the token \(--token-file\)/);
  });

  it('a refused connection cannot draw another client\'s grants to itself', async () => {
    const n = await node(['--token-file', file]);
    const [a, b, thief] = [await client(n), await client(n), await client(n)];
    await a.ask('c1', { type: 'auth', msg_id: 0, token: 's3cret' });
    await b.ask('c2', { type: 'auth', msg_id: 0, token: 's3cret' });
    const held = await a.ask('c1', gpu(1, 2));
    await b.ask('c2', gpu(2, 1));
    thief.send('c2', { type: 'auth', msg_id: 1, token: 'guess' });
    await thief.untilClosed();
    await a.ask('c1', { type: 'release', msg_id: 3, allocation_id: held.allocation_id });
    expect((await b.take(1))[0]).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 2 } });
  });
});

describe('--release-on-disconnect', () => {
  it('a closed connection frees what its clients held, withdraws what they waited for, and re-drains', async () => {
    const n = await node(['--release-on-disconnect']);
    const [a, b, watcher] = [await client(n), await client(n), await client(n)];
    await a.ask('c1', gpu(1, 2));
    expect(await a.ask('c3', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }] })).toMatchObject({ type: 'queued' });
    expect(await b.ask('c2', gpu(5, 1))).toMatchObject({ type: 'queued' });
    a.close();
    expect((await b.take(1))[0]).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 5 } });
    const s = await watcher.ask('w', { type: 'status', msg_id: 1 });
    expect(s).toMatchObject({ allocations: 1, queued: 0, allocated: { gpu: 1 }, job_statuses: { disconnected: 1 } });
    expect(n.stderr()).toMatch(/closed: ended 1 held and withdrew 1 waiting of "c1", "c3" \(--release-on-disconnect\)/);
  });

  it('keeps what a client holds when it last spoke on another connection still open', async () => {
    const n = await node(['--release-on-disconnect']);
    const [a, b] = [await client(n), await client(n)];
    await a.ask('c1', gpu(1, 2));
    await b.ask('c1', { type: 'status', msg_id: 2 });
    a.close();
    await sleep(100);
    expect(await b.ask('c1', { type: 'status', msg_id: 3 })).toMatchObject({ allocations: 1, allocated: { gpu: 2 } });
  });
});
