import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachStdio } from '../../src/cli/stdio.js';
import { ResourceNode } from '../../src/node/node.js';

/** Just enough of a stdin for attachStdio, emitting synchronously. */
class FakeInput extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

/** A stdout that keeps the lines written. */
class FakeOutput extends EventEmitter {
  lines: string[] = [];
  write(text: string, written?: (e?: Error | null) => void): boolean {
    for (const l of text.split('\n')) if (l !== '') this.lines.push(l);
    written?.();
    return true;
  }
}

describe('the stdio edge keeps one timer for every deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a thousand waiting requests with timeouts hold one timer and all time out in deadline order', () => {
    const clock = () => Date.now();
    const node = new ResourceNode({}, { clock, newId: () => 'a' });
    const input = new FakeInput();
    const output = new FakeOutput();
    const done = vi.fn();
    attachStdio(node, { input: input as unknown as Readable, output: output as unknown as Writable, log: () => {}, maxLineBytes: 1 << 20, clock, done });
    const lines: string[] = [];
    for (let i = 1; i <= 1000; i++) {
      lines.push(JSON.stringify({ src: 'c', dest: 'n1', body: { type: 'allocate', msg_id: i, requirements: [{ type: 'gpu', amount: 3 }], timeout_ms: 1001 - i } }));
    }
    input.emit('data', Buffer.from(`${lines.join('\n')}\n`));
    expect(output.lines).toHaveLength(1000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    const fired = output.lines.slice(1000).map((l) => JSON.parse(l).body);
    expect(fired.length).toBe(500);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(501);
    const all = output.lines.slice(1000).map((l) => JSON.parse(l).body);
    expect(all.map((b) => b.in_reply_to)).toEqual(Array.from({ length: 1000 }, (_, k) => 1000 - k));
    expect(all.every((b) => b.type === 'error' && b.code === 0)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    input.emit('end');
    expect(done).toHaveBeenCalledOnce();
  });

  it('the timer moves to an earlier deadline; one that stopped mattering fires nothing', () => {
    const clock = () => Date.now();
    const node = new ResourceNode({}, { clock, newId: () => 'x' });
    const input = new FakeInput();
    const output = new FakeOutput();
    attachStdio(node, { input: input as unknown as Readable, output: output as unknown as Writable, log: () => {}, maxLineBytes: 1 << 20, clock, done: () => {} });
    const send = (body: object) => input.emit('data', Buffer.from(`${JSON.stringify({ src: 'c', dest: 'n1', body })}\n`));
    send({ type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }], lease_ms: 1000 });
    send({ type: 'allocate', msg_id: 2, requirements: [{ type: 'gpu', amount: 1 }], timeout_ms: 100 });
    expect(vi.getTimerCount()).toBe(1);
    send({ type: 'allocate', msg_id: 3, requirements: [{ type: 'gpu', amount: 3 }], timeout_ms: 10 });
    vi.advanceTimersByTime(10);
    expect(output.lines.map((l) => JSON.parse(l).body.in_reply_to)).toEqual([1, 2, 3, 3]);
    send({ type: 'release', msg_id: 4, allocation_id: 'x' }); // grants msg 2: its timeout no longer matters
    vi.advanceTimersByTime(2000);
    expect(output.lines.map((l) => JSON.parse(l).body.type)).toEqual(['allocated', 'queued', 'queued', 'error', 'released', 'allocated']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
