import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/resource-node', import.meta.url).pathname;

function run(lines: string[], args: string[] = []): { out: unknown[]; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [bin, ...args], { input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8' });
  return { out: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)), stderr: r.stderr, status: r.status };
}

describe('the published harness samples, verbatim, against the built binary', () => {
  it('grants cpu 2 + memory 4 on a fresh node with a UUID', () => {
    const { out, status } = run(['{"src":"scheduler","dest":"resources","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":2},{"type":"memory","amount":4}]}}']);
    expect(status).toBe(0);
    expect(out).toHaveLength(1);
    const reply = out[0] as { src: string; dest: string; body: Record<string, unknown> };
    expect(Object.keys(reply)).toEqual(['src', 'dest', 'body']);
    expect(Object.keys(reply.body)).toEqual(['type', 'in_reply_to', 'allocation_id', 'resources']);
    expect(reply.src).toBe('resources');
    expect(reply.dest).toBe('scheduler');
    expect(reply.body.allocation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reply.body).toEqual({ type: 'allocated', in_reply_to: 1, allocation_id: reply.body.allocation_id, resources: { cpu: 2, memory: 4 } });
  });

  it('queues gpu 4 on a fresh node, reporting the 2 gpus available', () => {
    const { out } = run(['{"src":"scheduler","dest":"resources","body":{"type":"allocate","msg_id":2,"requirements":[{"type":"gpu","amount":4}]}}']);
    expect(out).toEqual([
      { src: 'resources', dest: 'scheduler', body: { type: 'queued', in_reply_to: 2, reason: 'Insufficient resources', available: { gpu: 2 }, required: 4 } },
    ]);
    expect(JSON.stringify(out[0])).toBe('{"src":"resources","dest":"scheduler","body":{"type":"queued","in_reply_to":2,"reason":"Insufficient resources","available":{"gpu":2},"required":4}}');
  });
});
