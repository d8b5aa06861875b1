import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Client, listening, type Listening } from './listening.js';
import { jobFile, removeTempDirs, run, tempDir } from './run-support.js';

let node: Listening | undefined;
afterEach(async () => {
  node?.child.kill('SIGTERM');
  await node?.exit;
  node = undefined;
});
afterAll(removeTempDirs);

describe('resource-run --connect, against a node started with --listen', () => {
  it('two runners share one node: together they never hold more than its capacity, and everything is released', async () => {
    node = await listening(['--capacity', 'cpu=2']);
    const dir = tempDir();
    const stamps = join(dir, 'stamps');
    const job = (name: string) => ({ name, command: ['sh', '-c', `echo "start $(date +%s%N)" >> ${stamps}; sleep 0.15; echo "end $(date +%s%N)" >> ${stamps}`], requirements: { cpu: 1 } });
    const address = `127.0.0.1:${node.port}`;
    const [a, b] = await Promise.all([
      run(['--connect', address, '--client', 'alpha', jobFile(dir, [job('a1'), job('a2')], 'a.jsonl')]),
      run(['--connect', address, '--client', 'beta', jobFile(dir, [job('b1'), job('b2')], 'b.jsonl')]),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(a.stdout).toContain('2 jobs: 2 completed');
    const marks = readFileSync(stamps, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([kind, at]) => ({ kind: kind!, at: BigInt(at!) }))
      .sort((x, y) => (x.at === y.at ? (x.kind === 'end' ? -1 : 1) : x.at < y.at ? -1 : 1));
    let running = 0;
    for (const m of marks) {
      running += m.kind === 'start' ? 1 : -1;
      expect(running).toBeLessThanOrEqual(2);
    }
    // The node saw each job as its own client, under its runner's name, and got everything back.
    const client = await Client.open(node.port);
    const status = await client.ask('watcher', { type: 'status', msg_id: 1 });
    client.close();
    expect(status).toMatchObject({ allocations: 0, queued: 0, free: { cpu: 2 }, job_statuses: { completed: 4 } });
  });

  it('presents the token of a node started with --token-file, and is refused without it', async () => {
    const dir = tempDir();
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 's3cret\n');
    node = await listening(['--token-file', tokenFile]);
    const address = `127.0.0.1:${node.port}`;
    const job = JSON.stringify({ name: 'j', command: ['true'], requirements: { gpu: 1 } });
    const ok = await run(['--connect', address, '--token-file', tokenFile, '--job', job]);
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await run(['--connect', address, '--job', job]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^resource-run: the node refused the connection: .*token/);
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'guess\n');
    const guessed = await run(['--connect', address, '--token-file', wrong, '--job', job]);
    expect(guessed.code).toBe(1);
    expect(guessed.stderr).toMatch(/^resource-run: the node refused the connection: /);
  });

  it('says so and exits 1 when nothing listens there', async () => {
    const r = await run(['--connect', '127.0.0.1:1', '--job', '{"command":["true"],"requirements":{"cpu":1}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('resource-run: cannot connect to 127.0.0.1:1: ECONNREFUSED\n');
  });
});
