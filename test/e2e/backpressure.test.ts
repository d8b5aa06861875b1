import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { envelope, finished, start } from './spawn.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('backpressure', () => {
  it('stops reading input while its replies are not read, then delivers every reply in order', async () => {
    const n = 40_000;
    const lines: string[] = [];
    for (let k = 1; k <= n; k++) {
      lines.push(envelope('c1', { type: 'allocate', msg_id: 2 * k - 1, requirements: [{ type: 'cpu', amount: 1 }] }));
      lines.push(envelope('c1', { type: 'release', msg_id: 2 * k, allocation_id: `alloc-${k}` }));
    }
    const input = Buffer.from(`${lines.join('\n')}\n`);
    const child = start(['--deterministic']);

    // Feed the input in chunks, honouring our own backpressure, and count what the node has taken.
    let taken = 0;
    const chunk = 16 * 1024;
    const feeding = (async () => {
      for (let at = 0; at < input.length; at += chunk) {
        const part = input.subarray(at, at + chunk);
        if (!child.stdin.write(part, () => (taken += part.length))) await once(child.stdin, 'drain');
      }
      child.stdin.end();
    })();

    // Do not read stdout until the node has stopped taking input for a while.
    let last = -1;
    while (taken !== last) {
      last = taken;
      await sleep(400);
    }
    // The node holds what fits in a few pipe and stream buffers, not the whole 11 MB input.
    expect(taken).toBeLessThan(input.length / 4);

    // Now read, slowly: everything must still arrive, whole and in order.
    const done = finished(child);
    let paused = 0;
    child.stdout.on('data', () => {
      if (++paused % 64 === 0) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 5);
      }
    });
    await feeding;
    const r = await done;
    expect([r.code, r.signal]).toEqual([0, null]);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(2 * n);
    for (let i = 0; i < out.length; i++) {
      const k = (i >> 1) + 1;
      const expected =
        i % 2 === 0
          ? `{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":${2 * k - 1},"allocation_id":"alloc-${k}","resources":{"cpu":1}}}`
          : `{"src":"n1","dest":"c1","body":{"type":"released","in_reply_to":${2 * k},"allocation_id":"alloc-${k}","resources_freed":{"cpu":1}}}`;
      if (out[i] !== expected) expect(out[i]).toBe(expected);
    }
  });
});
