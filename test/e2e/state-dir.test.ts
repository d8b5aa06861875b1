import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeStateDir } from './sqlite.js';
import { Client, listening } from './listening.js';
import { envelope, finished, runNode, start, waitForLines } from './spawn.js';

const root = mkdtempSync(join(tmpdir(), 'state-dir-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(root, `d${++dirs}`);

const line = (src: string, body: Record<string, unknown>) => `${envelope(src, body)}\n`;
const gpu = (msgId: number, amount: number, extra: Record<string, unknown> = {}) => ({ type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount }], ...extra });
const bodies = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { body: Record<string, unknown> }).body);

describeStateDir('--state-dir', () => {
  it('restores allocations and waiting requests; a request that waited is granted after the restart to its client', async () => {
    const dir = newDir();
    const first = await runNode(line('c1', gpu(1, 2)) + line('c2', gpu(2, 1, { request_id: 'k' })), ['--state-dir', dir]);
    expect(first.code).toBe(0);
    const [granted] = bodies(first.stdout);
    const id = granted!.allocation_id as string;
    const second = await runNode(line('c9', { type: 'status', msg_id: 1 }) + line('c1', { type: 'release', msg_id: 3, allocation_id: id }) + line('c2', gpu(4, 1, { request_id: 'k' })), ['--state-dir', dir]);
    const [status, released, grant, retry] = bodies(second.stdout);
    expect(status).toMatchObject({ type: 'status_ok', allocations: 1, queued: 1, allocated: { gpu: 2 } });
    expect(released).toMatchObject({ type: 'released', allocation_id: id, resources_freed: { gpu: 2 } });
    // The waiting allocate of c2 (msg 2) is granted by the usual message, and its retry names the same allocation.
    expect(grant).toMatchObject({ type: 'allocated', in_reply_to: 2, resources: { gpu: 1 } });
    expect(retry).toEqual({ ...grant, in_reply_to: 4 });
    expect(second.stdout.split('\n')[2]).toContain('"dest":"c2"');
    // A release of the first allocation after another restart is answered as a retry: ended allocations are remembered.
    const third = await runNode(line('c1', { type: 'release', msg_id: 5, allocation_id: id }), ['--state-dir', dir]);
    expect(bodies(third.stdout)).toEqual([{ type: 'released', in_reply_to: 5, allocation_id: id, resources_freed: { gpu: 2 } }]);
  });

  it('with --listen: what a TCP client was told survives kill -9, and a waiting request is granted to it after the restart', async () => {
    const dir = newDir();
    const first = await listening(['--state-dir', dir]);
    const c = await Client.open(first.port);
    const held = await c.ask('c1', gpu(1, 2));
    expect(await c.ask('c2', gpu(2, 1))).toMatchObject({ type: 'queued' });
    c.close();
    first.child.kill('SIGKILL');
    await first.exit;
    const second = await listening(['--state-dir', dir]);
    try {
      const d = await Client.open(second.port);
      expect(await d.ask('c9', { type: 'status', msg_id: 1 })).toMatchObject({ allocations: 1, queued: 1, allocated: { gpu: 2 } });
      // c2 speaks on this connection, so the grant owed to it comes here.
      expect(await d.ask('c2', { type: 'status', msg_id: 3 })).toMatchObject({ type: 'status_ok' });
      d.send('c1', { type: 'release', msg_id: 2, allocation_id: held.allocation_id });
      const [released, grant] = await d.take(2);
      expect(released!.body).toMatchObject({ type: 'released', allocation_id: held.allocation_id });
      expect(grant).toMatchObject({ dest: 'c2', body: { type: 'allocated', in_reply_to: 2, resources: { gpu: 1 } } });
      d.close();
    } finally {
      second.child.kill('SIGKILL');
      await second.exit;
    }
  });

  it('fires at once a lease whose deadline passed while the node was down', async () => {
    const dir = newDir();
    const first = await runNode(line('c1', gpu(1, 1, { lease_ms: 200 })), ['--state-dir', dir]);
    const id = bodies(first.stdout)[0]!.allocation_id;
    await new Promise((r) => setTimeout(r, 300));
    const child = start(['--state-dir', dir]);
    const done = finished(child);
    const [expired] = await waitForLines(child, 1);
    child.stdin.end();
    await done;
    expect(JSON.parse(expired!)).toMatchObject({ dest: 'c1', body: { type: 'lease_expired', allocation_id: id, resources_freed: { gpu: 1 } } });
  });

  it('refuses a second node on the same directory (exit 2)', async () => {
    const dir = newDir();
    const holder = start(['--state-dir', dir]);
    const held = finished(holder);
    holder.stdin.write(line('c1', { type: 'status', msg_id: 1 }));
    await waitForLines(holder, 1);
    const second = await runNode('', ['--state-dir', dir]);
    holder.stdin.end();
    await held;
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another node is using it .*one node per directory/);
  });

  it('refuses to start on damaged state, naming what is damaged (exit 2)', async () => {
    const dir = newDir();
    await runNode(line('c1', gpu(1, 1)) + line('c1', gpu(2, 1)), ['--state-dir', dir]);
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(s: string): { run(...a: unknown[]): unknown }; close(): void };
    const db = new Database(join(dir, 'state.sqlite'));
    db.prepare('UPDATE log SET data = ? WHERE n = (SELECT max(n) FROM log)').run('[{"k":"hold", broken');
    db.close();
    const r = await runNode('', ['--state-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log batch \d+ is damaged/);
    expect(r.stdout).toBe('');

    const other = newDir();
    await runNode('', ['--state-dir', other]);
    writeFileSync(join(other, 'state.sqlite'), 'not a database, just text '.repeat(200));
    rmSync(join(other, 'state.sqlite-wal'), { force: true });
    const garbage = await runNode('', ['--state-dir', other]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/state\.sqlite/);
  });

  it('refuses --deterministic, whose virtual clock is not kept (exit 2)', async () => {
    const r = await runNode('', ['--state-dir', newDir(), '--deterministic']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--state-dir cannot be used with --deterministic/);
  });
});
