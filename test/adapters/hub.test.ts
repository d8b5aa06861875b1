import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Hub } from '../../src/adapters/hub.js';
import { tokenOf, type Token } from '../../src/adapters/token.js';
import { ResourceNode } from '../../src/server/node.js';

/** An input that records whether it is paused, emitting synchronously. */
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
  read(): null {
    return null;
  }
}

/** An output that keeps its lines and can be made full: then writes wait in `writableLength` until `drainAll`. */
class FakeOutput extends EventEmitter {
  text = '';
  full = false;
  ended = false;
  writableLength = 0;
  private held: (() => void)[] = [];
  write(text: string, written?: (e?: Error | null) => void): boolean {
    this.text += text;
    if (!this.full) {
      written?.();
      return true;
    }
    this.writableLength += text.length;
    if (written) this.held.push(() => written());
    return false;
  }
  end(): void {
    this.ended = true;
  }
  bodies(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { body: Record<string, unknown> }).body);
  }
  dests(): string[] {
    return this.text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { dest: string }).dest);
  }
  drainAll(): void {
    this.full = false;
    this.writableLength = 0;
    const held = this.held;
    this.held = [];
    for (const w of held) w();
    this.emit('drain');
  }
}

const line = (src: string, body: Record<string, unknown>) => `${JSON.stringify({ src, dest: 'n1', body })}\n`;
const gpu = (msgId: number, amount: number) => ({ type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount }] });

/** The token of secret `t`, made once for every test. */
const secret: Token = await tokenOf('t');

function setUp(options: { releaseOnDisconnect?: boolean; maxUnreadBytes?: number } = {}) {
  const logs: string[] = [];
  const node = new ResourceNode({ deterministic: true });
  const hub = new Hub(node, { log: (l) => logs.push(l), maxLineBytes: 1 << 20, maxUnreadBytes: options.maxUnreadBytes ?? 1 << 20, releaseOnDisconnect: options.releaseOnDisconnect ?? false });
  const stream = (name: string, extra: { gated?: boolean; releasable?: boolean } = {}) => {
    const input = new FakeInput();
    const output = new FakeOutput();
    let destroyed = false;
    const handle = hub.attach(input as unknown as Readable, output as unknown as Writable, {
      name,
      gate: extra.gated === true ? secret.gate() : undefined,
      endOutputWithInput: true,
      releasable: extra.releasable ?? true,
      destroy: () => (destroyed = true),
    });
    return { input, output, ...handle, send: (text: string) => input.emit('data', Buffer.from(text)), destroyed: () => destroyed };
  };
  return { hub, logs, stream };
}

describe('Hub', () => {
  it('sends a later grant to the stream its client last spoke on', () => {
    const { stream } = setUp();
    const [a, b, c] = [stream('a'), stream('b'), stream('c')];
    a.send(line('c1', gpu(1, 2)));
    b.send(line('c2', gpu(1, 1)));
    c.send(line('c2', { type: 'status', msg_id: 2 }));
    a.send(line('c1', { type: 'release', msg_id: 3, allocation_id: 'alloc-1' }));
    expect(a.output.bodies().map((x) => x.type)).toEqual(['allocated', 'released']);
    expect(b.output.bodies().map((x) => x.type)).toEqual(['queued']);
    expect(c.output.bodies().map((x) => [x.type, x.in_reply_to])).toEqual([
      ['status_ok', 2],
      ['allocated', 1],
    ]);
  });

  it('reads no more of a stream whose output is full, and never holds up another', () => {
    const { stream } = setUp();
    const [slow, fast] = [stream('slow'), stream('fast')];
    slow.output.full = true;
    slow.send(line('s', { type: 'status', msg_id: 1 }) + line('s', { type: 'status', msg_id: 2 }));
    expect(slow.input.paused).toBe(true);
    fast.send(line('f', { type: 'status', msg_id: 1 }));
    expect(fast.output.bodies()).toHaveLength(1);
    // A chunk that comes anyway waits its turn behind the line held back.
    slow.send(line('s', { type: 'status', msg_id: 3 }));
    slow.output.drainAll();
    expect(slow.output.bodies().map((x) => x.in_reply_to)).toEqual([1, 2, 3]);
    expect(slow.input.paused).toBe(false);
  });

  it('closes a stream that leaves more than the bound unread, saying so', () => {
    const { stream, logs } = setUp({ maxUnreadBytes: 1024 });
    const s = stream('s');
    s.output.full = true;
    s.send(Array.from({ length: 400 }, (_, i) => line('s', { type: 'status', msg_id: i })).join(''));
    expect(s.destroyed()).toBe(true);
    expect(logs).toEqual(['s: closed: more than 1024 bytes of replies unread (--max-unread-bytes)']);
  });

  it('refuses a gated stream whose first message is not the token, without routing its client there', () => {
    const { stream, logs } = setUp();
    const [a, thief] = [stream('a', { gated: true }), stream('thief', { gated: true })];
    a.send(`\n${line('c1', { type: 'auth', msg_id: 1, token: 't' })}${line('c1', gpu(2, 2))}${line('c1', gpu(3, 1))}`);
    thief.send(line('c1', { type: 'status', msg_id: 9 }) + line('c1', { type: 'auth', msg_id: 10, token: 't' }));
    expect(thief.output.bodies()).toEqual([{ type: 'error', in_reply_to: 9, code: 14, text: "the first message on this connection must be auth with the node's token (--token-file)" }]);
    expect(thief.output.ended).toBe(true);
    a.send(line('c1', { type: 'release', msg_id: 4, allocation_id: 'alloc-1' }));
    expect(a.output.bodies().map((x) => x.type)).toEqual(['auth_ok', 'allocated', 'queued', 'released', 'allocated']);
    expect(logs).toEqual(['thief: closed: it did not present the token (--token-file)']);
  });

  it('with releaseOnDisconnect, a closed stream frees what its clients held; one not releasable frees nothing', () => {
    const { stream, logs } = setUp({ releaseOnDisconnect: true });
    const [a, b, parent] = [stream('a'), stream('b'), stream('stdin', { releasable: false })];
    a.send(line('c1', gpu(1, 1)));
    parent.send(line('p', gpu(1, 1)));
    b.send(line('c2', gpu(1, 1)));
    parent.closed();
    a.closed();
    expect(b.output.bodies().map((x) => [x.type, x.in_reply_to])).toEqual([
      ['queued', 1],
      ['allocated', 1],
    ]);
    expect(logs).toEqual(['a: closed: ended 1 held and withdrew 0 waiting of "c1" (--release-on-disconnect)']);
  });

  it('on stop answers the lines held back, then says how many replies were not written within the grace', async () => {
    const { hub, stream } = setUp();
    const s = stream('s');
    s.output.full = true;
    s.send(line('c', { type: 'status', msg_id: 1 }) + line('c', { type: 'status', msg_id: 2 }));
    const undelivered = await new Promise<number>((resolve) => hub.stop(20, resolve));
    expect(s.output.bodies().map((x) => x.in_reply_to)).toEqual([1, 2]);
    expect(undelivered).toBe(2);
    const clean = setUp();
    const u = clean.stream('u');
    u.send(line('c', { type: 'status', msg_id: 1 }));
    expect(await new Promise<number>((resolve) => clean.hub.stop(1000, resolve))).toBe(0);
    expect(u.output.bodies().map((x) => x.type)).toEqual(['status_ok']);
  });
});
