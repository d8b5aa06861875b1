import { describe, expect, it } from 'vitest';
import { envelope, finished, parseLines, runNode, start, waitForLines } from './spawn.js';

const alloc = (src: string, msgId: number, reqs: Record<string, number>) =>
  envelope(src, { type: 'allocate', msg_id: msgId, requirements: Object.entries(reqs).map(([type, amount]) => ({ type, amount })) });
const rel = (src: string, msgId: number, id: string) => envelope(src, { type: 'release', msg_id: msgId, allocation_id: id });

describe('the built node over stdin/stdout', () => {
  it('drains to a second client: its allocated follows the released reply, with its original msg_id', async () => {
    const input = [alloc('holder', 1, { gpu: 2 }), alloc('waiter', 41, { gpu: 1, cpu: 1 }), rel('holder', 2, 'alloc-1')].join('\n');
    const r = await runNode(`${input}\n`, ['--deterministic']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '{"src":"n1","dest":"holder","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"gpu":2}}}',
        '{"src":"n1","dest":"waiter","body":{"type":"queued","in_reply_to":41,"reason":"Insufficient resources","available":{"gpu":0,"cpu":8},"required":1}}',
        '{"src":"n1","dest":"holder","body":{"type":"released","in_reply_to":2,"allocation_id":"alloc-1","resources_freed":{"gpu":2}}}',
        '{"src":"n1","dest":"waiter","body":{"type":"allocated","in_reply_to":41,"allocation_id":"alloc-2","resources":{"gpu":1,"cpu":1}}}',
        '',
      ].join('\n'),
    );
  });

  it('skips junk lines with a numbered stderr line each and answers the valid ones after them', async () => {
    const oversize = envelope('c1', { type: 'allocate', msg_id: 99, pad: 'x'.repeat(300) });
    const lines = [
      'not json at all',
      '[1,2,3]',
      '{"src":"c1","dest":"n1","body":{"type":"allocate","requirements":[{"type":"cpu","amount":1}]}}',
      oversize,
      '',
      alloc('c1', 1, { cpu: 1 }),
      '{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":"7"}}',
      alloc('c2', 2, { memory: 2 }),
    ];
    const r = await runNode(`${lines.join('\n')}\n`, ['--deterministic', '--max-line-bytes', '200']);
    expect(r.code).toBe(0);
    expect(parseLines(r.stdout).map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['c1', 'allocated', 1],
      ['c2', 'allocated', 2],
    ]);
    const err = r.stderr.split('\n').filter((l) => l !== '');
    expect(err).toHaveLength(5);
    expect(err[0]).toMatch(/^resource-node: line 1: not JSON \(.+\); skipped$/);
    expect(err.slice(1)).toEqual([
      'resource-node: line 2: not a JSON object; skipped',
      'resource-node: line 3: body has no "msg_id", so no reply can be addressed; skipped',
      `resource-node: line 4: ${Buffer.byteLength(oversize)} bytes is over --max-line-bytes 200; skipped`,
      'resource-node: line 7: body "msg_id" must be an integer; skipped',
    ]);
  });

  it('at end of input answers every line, the last one without a newline too, then exits 0', async () => {
    const n = 3000;
    const lines: string[] = [];
    for (let k = 1; k <= n; k++) lines.push(alloc(`c${k % 7}`, 2 * k - 1, { cpu: 0.5 }), rel(`c${k % 7}`, 2 * k, `alloc-${k}`));
    const r = await runNode(lines.join('\r\n'), ['--deterministic']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    const out = parseLines(r.stdout);
    expect(out).toHaveLength(2 * n);
    out.forEach((m, i) => {
      const k = (i >> 1) + 1;
      expect(m.body).toEqual(
        i % 2 === 0
          ? { type: 'allocated', in_reply_to: 2 * k - 1, allocation_id: `alloc-${k}`, resources: { cpu: 0.5 } }
          : { type: 'released', in_reply_to: 2 * k, allocation_id: `alloc-${k}`, resources_freed: { cpu: 0.5 } },
      );
    });
  });

  it('exits 0 at once on empty input', async () => {
    const r = await runNode('');
    expect(r).toEqual({ stdout: '', stderr: '', code: 0, signal: null });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s while stdin is still open: answers what it read, then exits 0', async (signal) => {
    const child = start(['--deterministic']);
    child.stdin.write(`${alloc('c1', 1, { cpu: 1 })}\n${alloc('c1', 2, { gpu: 5 })}\n${rel('c1', 3, 'alloc-1')}\n`);
    const got = await waitForLines(child, 3);
    const done = finished(child);
    child.kill(signal);
    const r = await done;
    expect([r.code, r.signal]).toEqual([0, null]);
    expect(got.map((l) => JSON.parse(l).body.type)).toEqual(['allocated', 'queued', 'released']);
    expect(r.stdout).toBe('');
  });

  it('SIGTERM with replies still owed to a reader that is not reading: writes them all, whole and in order, then exits 0', async () => {
    const child = start(['--deterministic', '--capacity', 'cpu=1000000']);
    const n = 20_000;
    const lines: string[] = [];
    for (let k = 1; k <= n; k++) lines.push(alloc('c1', k, { cpu: 1 }));
    // Nobody reads stdout yet, so the node's replies back up into its own buffer.
    child.stdin.write(`${lines.join('\n')}\n`);
    // Its first reply says it is up (signals handled); a fixed wait lost the race on a loaded machine.
    await new Promise((r) => child.stdout.once('readable', r));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const r = await finished(child);
    expect([r.code, r.signal]).toEqual([0, null]);
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe('');
    // Every line written is whole; they answer a prefix of the input, in order.
    expect(out.length).toBeGreaterThan(0);
    out.forEach((l, i) => {
      expect(JSON.parse(l).body).toEqual({ type: 'allocated', in_reply_to: i + 1, allocation_id: `alloc-${i + 1}`, resources: { cpu: 1 } });
    });
  });
});

describe('the command line', () => {
  it('--help prints usage to stdout and exits 0', async () => {
    const r = await runNode('', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: resource-node \[flags\]/);
    expect(r.stdout).toContain('--max-bypass');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version and exits 0', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    const r = await runNode('', ['--version']);
    expect(r).toEqual({ stdout: `resource-node ${version}\n`, stderr: '', code: 0, signal: null });
  });

  it.each([
    [['--bogus'], 'unknown flag "--bogus"'],
    [['--policy', 'lifo'], '--policy must be backfill, fifo or drf, not "lifo"'],
    [['--capacity', 'cpu=abc'], '--capacity: cpu must be a number from 0 to 1e12 with at most 3 decimals, got "abc"'],
    [['--max-queue'], '--max-queue needs a value'],
    [['--deterministic=no'], '--deterministic takes no value'],
    [['--quota', 'a=tpu:1'], '--quota a: tpu is not a resource type; known: cpu, memory, gpu'],
    [['--weight', 'a=0'], '--weight a: the weight must be a positive number up to 1e12 with at most 3 decimals, got "0"'],
  ])('%j exits 2 with a clear message on stderr', async (args, message) => {
    const r = await runNode('', args);
    expect(r).toEqual({ stdout: '', stderr: `resource-node: ${message}\nTry 'resource-node --help'.\n`, code: 2, signal: null });
  });

  it('honours --quota and --weight: the tenants are in status from the start', async () => {
    const input = [alloc('a', 1, { gpu: 2 }), JSON.stringify({ src: 'a', dest: 'n1', body: { type: 'status', msg_id: 2 } })].join('\n');
    const r = await runNode(`${input}\n`, ['--quota', 'a=gpu:1', '--weight', 'b=2.5', '--deterministic']);
    const [refused, status] = parseLines(r.stdout).map((m) => m.body);
    expect(refused).toEqual({ type: 'error', in_reply_to: 1, code: 22, text: 'exceeds quota of tenant "a": requested gpu 2, quota gpu 1' });
    expect(status!.tenants).toEqual({ a: { weight: 1, quota: { gpu: 1 }, held: {}, dominant_share: 0, queued: 0 }, b: { weight: 2.5, quota: {}, held: {}, dominant_share: 0, queued: 0 } });
  });

  it('honours --capacity and --policy', async () => {
    const input = [alloc('c1', 1, { disk: 3 }), alloc('c2', 2, { disk: 5 }), alloc('c3', 3, { disk: 1 })].join('\n');
    const r = await runNode(`${input}\n`, ['--capacity=disk=4.5', '--policy', 'fifo', '--deterministic']);
    expect(parseLines(r.stdout).map((m) => m.body)).toEqual([
      { type: 'allocated', in_reply_to: 1, allocation_id: 'alloc-1', resources: { disk: 3 } },
      { type: 'queued', in_reply_to: 2, reason: 'Insufficient resources', available: { disk: 1.5 }, required: 5 },
      { type: 'queued', in_reply_to: 3, reason: 'Waiting behind earlier requests', available: { disk: 1.5 }, required: 1 },
    ]);
  });
});
