import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_BYTES, attachStdio, type StdioOutcome } from '../../src/adapters/stdio.js';
import { ResourceNode } from '../../src/server/node.js';

/** A stdin that records whether it is paused, emitting synchronously. */
class FakeInput extends EventEmitter {
  paused = false;
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
}

/**
 * A stdout that counts lines and the largest single write, and can be made full: then
 * writes are held, unconfirmed, until `drainAll`.
 */
class FakeOutput extends EventEmitter {
  lines = 0;
  largestWrite = 0;
  full = false;
  kept: string[] = [];
  private held: (() => void)[] = [];
  write(text: string, written?: (e?: Error | null) => void): boolean {
    this.largestWrite = Math.max(this.largestWrite, text.length);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lines++;
    if (this.kept.length < 100_000) this.kept.push(text);
    if (!this.full) {
      written?.();
      return true;
    }
    if (written) this.held.push(() => written());
    return false;
  }
  /** Every line written so far, parsed. */
  bodies(): { in_reply_to?: number; type: string; code?: number }[] {
    return this.kept
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l).body);
  }
  drainAll(): void {
    this.full = false;
    const held = this.held;
    this.held = [];
    for (const w of held) w();
    this.emit('drain');
  }
}

const line = (body: Record<string, unknown>, src = 'c1') => JSON.stringify({ src, dest: 'n1', body });

function attach(node: ResourceNode, extra: { clock?: () => number; graceMs?: number } = {}) {
  const input = new FakeInput();
  const output = new FakeOutput();
  const outcomes: StdioOutcome[] = [];
  const log: string[] = [];
  const io = attachStdio(node, {
    input: input as unknown as Readable,
    output: output as unknown as Writable,
    log: (l) => log.push(l),
    maxLineBytes: 1 << 20,
    done: (o) => outcomes.push(o),
    ...extra,
  });
  return { input, output, outcomes, log, io };
}

describe('attachStdio', () => {
  it('writes what one chunk causes in batches bounded in bytes, however large its replies', () => {
    // A 200 KB node id in every reply: one chunk of 3,000 short lines owes 600 MB, more than
    // one string can hold, so a single joined write cannot be made.
    const node = new ResourceNode({ deterministic: true });
    const { input, output, outcomes } = attach(node);
    input.emit('data', Buffer.from(`${line({ type: 'init', msg_id: 0, node_id: 'n'.repeat(200_000), node_ids: [] })}\n`));
    const unknown = Array.from({ length: 3000 }, (_, i) => line({ type: 'x', msg_id: i + 1 }));
    input.emit('data', Buffer.from(`${unknown.join('\n')}\n`));
    input.emit('end');
    expect(output.lines).toBe(3001);
    expect(output.largestWrite).toBeLessThan(BATCH_BYTES + 200_200);
    expect(outcomes).toEqual([{ undelivered: 0, gaveUp: false }]);
  });

  it('stops reading lines while the output is full, and reads the rest of the chunk when it drains', () => {
    const node = new ResourceNode({ deterministic: true });
    const { input, output, outcomes } = attach(node);
    output.full = true;
    // Each status reply is about 300 bytes: the first batch fills the output.
    const lines = Array.from({ length: 2000 }, (_, i) => line({ type: 'status', msg_id: i + 1 }));
    input.emit('data', Buffer.from(`${lines.join('\n')}\n`));
    expect(input.paused).toBe(true);
    const answered = output.lines;
    expect(answered).toBeLessThan(2000);
    expect(answered).toBeGreaterThan(0);
    output.drainAll();
    expect(output.lines).toBe(2000);
    expect(input.paused).toBe(false);
    const ids = output.bodies().map((b) => b.in_reply_to);
    expect(ids).toEqual(lines.map((_, i) => i + 1));
    input.emit('end');
    expect(outcomes).toEqual([{ undelivered: 0, gaveUp: false }]);
  });

  describe('with real time', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('holds one timer for a thousand timeouts, which fire in deadline order', () => {
      const clock = () => Date.now();
      const node = new ResourceNode({}, { clock, newId: () => 'a' });
      const { input, output, outcomes } = attach(node, { clock });
      const lines: string[] = [];
      for (let i = 1; i <= 1000; i++) lines.push(line({ type: 'allocate', msg_id: i, requirements: [{ type: 'gpu', amount: 3 }], timeout_ms: 1001 - i }, 'c'));
      input.emit('data', Buffer.from(`${lines.join('\n')}\n`));
      expect(output.lines).toBe(1000);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(500);
      expect(output.lines).toBe(1500);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(501);
      const fired = output.bodies().slice(1000);
      expect(fired.map((b) => b.in_reply_to)).toEqual(Array.from({ length: 1000 }, (_, k) => 1000 - k));
      expect(fired.every((b) => b.type === 'error' && b.code === 0)).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      input.emit('end');
      expect(outcomes).toEqual([{ undelivered: 0, gaveUp: false }]);
    });

    it('moves the timer to an earlier deadline; one that stopped mattering fires nothing', () => {
      const clock = () => Date.now();
      const node = new ResourceNode({}, { clock, newId: () => 'x' });
      const { input, output } = attach(node, { clock });
      const send = (body: Record<string, unknown>) => input.emit('data', Buffer.from(`${line(body, 'c')}\n`));
      send({ type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }], lease_ms: 1000 });
      send({ type: 'allocate', msg_id: 2, requirements: [{ type: 'gpu', amount: 1 }], timeout_ms: 100 });
      expect(vi.getTimerCount()).toBe(1);
      send({ type: 'allocate', msg_id: 3, requirements: [{ type: 'gpu', amount: 3 }], timeout_ms: 10 });
      vi.advanceTimersByTime(10);
      expect(output.bodies().map((b) => b.in_reply_to)).toEqual([1, 2, 3, 3]);
      send({ type: 'release', msg_id: 4, allocation_id: 'x' }); // grants msg 2: its timeout no longer matters
      vi.advanceTimersByTime(2000);
      expect(output.bodies().map((b) => b.type)).toEqual(['allocated', 'queued', 'queued', 'error', 'released', 'allocated']);
      expect(vi.getTimerCount()).toBe(0);
    });

    // 150,000: spreading the due lines as arguments (the old `out.push(...lines)`) overflows
    // from about 114,000 in vitest's forks pool here (not in threads: a worker's stack is 4 MB).
    it('writes 150,000 leases that fall due together (no spread of them as arguments)', () => {
      const clock = () => Date.now();
      const node = new ResourceNode({ capacity: [['cpu', 1_000_000]] }, { clock, newId: (() => { let n = 0; return () => `a${++n}`; })() });
      const { input, output } = attach(node, { clock });
      const n = 150_000;
      const batch: string[] = [];
      for (let i = 1; i <= n; i++) {
        batch.push(line({ type: 'allocate', msg_id: i, requirements: [{ type: 'cpu', amount: 1 }], lease_ms: 1000 }));
        if (batch.length === 10_000) {
          input.emit('data', Buffer.from(`${batch.join('\n')}\n`));
          batch.length = 0;
        }
      }
      expect(output.lines).toBe(n);
      vi.advanceTimersByTime(1000);
      expect(output.lines).toBe(2 * n);
    });

    it('after a stop, gives up on unread replies when the grace runs out, and says how many', () => {
      const node = new ResourceNode({ deterministic: true });
      const { input, output, outcomes, io } = attach(node, { graceMs: 500 });
      output.full = true;
      input.emit('data', Buffer.from(`${line({ type: 'status', msg_id: 1 })}\n${line({ type: 'status', msg_id: 2 })}\n`));
      io.stop();
      expect(outcomes).toEqual([]);
      vi.advanceTimersByTime(499);
      expect(outcomes).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(outcomes).toEqual([{ undelivered: 2, gaveUp: true }]);
    });

    it('a second stop gives up at once; a drain within the grace ends cleanly', () => {
      const node = new ResourceNode({ deterministic: true });
      const a = attach(node, { graceMs: 60_000 });
      a.output.full = true;
      a.input.emit('data', Buffer.from(`${line({ type: 'status', msg_id: 1 })}\n`));
      a.io.stop();
      a.io.stop();
      expect(a.outcomes).toEqual([{ undelivered: 1, gaveUp: true }]);

      const b = attach(new ResourceNode({ deterministic: true }), { graceMs: 60_000 });
      b.output.full = true;
      b.input.emit('data', Buffer.from(`${line({ type: 'status', msg_id: 1 })}\n`));
      b.io.stop();
      expect(b.outcomes).toEqual([]);
      b.output.drainAll();
      expect(b.outcomes).toEqual([{ undelivered: 0, gaveUp: false }]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('a stop handles the lines already taken from the input, counting their replies if unwritten', () => {
    const node = new ResourceNode({ deterministic: true });
    const { input, output, outcomes, io } = attach(node, { graceMs: 0 });
    output.full = true;
    const lines = Array.from({ length: 2000 }, (_, i) => line({ type: 'status', msg_id: i + 1 }));
    input.emit('data', Buffer.from(`${lines.join('\n')}\n{"src":"c1","dest":"n1","bo`));
    expect(output.lines).toBeLessThan(2000);
    io.stop();
    // Every whole line got its reply written; the partial last line is no message.
    expect(output.lines).toBe(2000);
    expect(output.bodies().map((b) => b.in_reply_to)).toEqual(lines.map((_, i) => i + 1));
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(outcomes).toEqual([{ undelivered: 2000, gaveUp: true }]);
        resolve();
      }, 10),
    );
  });

  it('an output error ends it once, with the error and the count of lines it did not confirm', () => {
    const node = new ResourceNode({ deterministic: true });
    const { input, output, outcomes } = attach(node);
    output.full = true;
    input.emit('data', Buffer.from(`${line({ type: 'status', msg_id: 1 })}\n`));
    const e = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    output.emit('error', e);
    output.emit('error', e);
    expect(outcomes).toEqual([{ undelivered: 1, error: e, gaveUp: false }]);
  });
});
