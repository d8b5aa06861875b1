import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/resource-node', import.meta.url).pathname;
const line = (src: string, body: object) => JSON.stringify({ src, dest: 'n1', body });
const robot = (src: string, msgId: number, amount = 1) => line(src, { type: 'allocate', msg_id: msgId, requirements: [{ type: 'robot', amount }] });

type Reply = { src: string; dest: string; body: Record<string, unknown> };

function run(lines: string[], args: string[]): { out: Reply[]; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [bin, ...args], { input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8' });
  return { out: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Reply), stderr: r.stderr, status: r.status };
}

describe('--pool against the built binary', () => {
  it('checks out members with real UUIDs and keeps the core shapes for other types', () => {
    const { out, status } = run([robot('job1', 1), line('job2', { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 2 }] })], ['--pool', 'robot=r1,r2']);
    expect(status).toBe(0);
    expect(Object.keys(out[0]!.body)).toEqual(['type', 'in_reply_to', 'allocation_id', 'resources', 'members']);
    expect(out[0]!.body.allocation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(out[0]!.body.members).toEqual({ robot: ['r1'] });
    expect(Object.keys(out[1]!.body)).toEqual(['type', 'in_reply_to', 'allocation_id', 'resources']);
  });

  it('hands a returned robot to the job waiting for it, over a live pipe', async () => {
    const child = spawn(process.execPath, [bin, '--pool=robot=r1,r2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const replies: Reply[] = [];
    let buffered = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        replies.push(JSON.parse(buffered.slice(0, nl)) as Reply);
        buffered = buffered.slice(nl + 1);
      }
      for (const w of waiters.splice(0)) w();
    });
    const until = async (count: number): Promise<Reply[]> => {
      while (replies.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return replies.slice(0, count);
    };
    child.stdin.write(`${[robot('job1', 1), robot('job2', 1), robot('job3', 1)].join('\n')}\n`);
    const first = await until(3);
    expect(first.map((r) => [r.dest, r.body.type])).toEqual([
      ['job1', 'allocated'],
      ['job2', 'allocated'],
      ['job3', 'queued'],
    ]);
    expect(first[2]!.body).toEqual({ type: 'queued', in_reply_to: 1, reason: 'Insufficient resources', available: { robot: 0 }, required: 1 });
    child.stdin.write(`${line('job2', { type: 'release', msg_id: 2, allocation_id: first[1]!.body.allocation_id })}\n`);
    const [released, regrant] = (await until(5)).slice(3);
    expect(released!.body).toEqual({ type: 'released', in_reply_to: 2, allocation_id: first[1]!.body.allocation_id, resources_freed: { robot: 1 } });
    expect(regrant!.dest).toBe('job3');
    expect(regrant!.body).toMatchObject({ type: 'allocated', in_reply_to: 1, resources: { robot: 1 }, members: { robot: ['r2'] } });
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });

  it('refuses a pool that is also in --capacity, with exit status 2', () => {
    const { status, stderr } = run([], ['--capacity', 'robot=2', '--pool', 'robot=r1,r2']);
    expect(status).toBe(2);
    expect(stderr).toContain('--pool robot: the type is also in --capacity');
  });
});
