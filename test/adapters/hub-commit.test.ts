import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Hub } from '../../src/adapters/hub.js';
import type { CoreEvent } from '../../src/core/events.js';
import { ResourceNode, type DurableStore } from '../../src/server/node.js';

// A store whose commits finish later (as etcd's do): the hub holds each line until the commit
// that covers it has finished, one commit in flight at a time.

class Input extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  read(): null {
    return null;
  }
}

class Output extends EventEmitter {
  text = '';
  writableLength = 0;
  write(text: string, written?: () => void): boolean {
    this.text += text;
    written?.();
    return true;
  }
  end(): void {}
  types(): string[] {
    return this.text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `${(JSON.parse(l) as { body: { type: string; in_reply_to?: number } }).body.type}`);
  }
}

/** Records events; each commit with something recorded is a promise the test settles. */
class LaterStore implements DurableStore {
  readonly restored = undefined;
  recorded = 0;
  readonly commits: { resolve: () => void; reject: (e: Error) => void }[] = [];
  attach(): void {}
  record(_event: CoreEvent): void {
    this.recorded++;
  }
  commit(): Promise<void> | undefined {
    if (this.recorded === 0) return undefined;
    this.recorded = 0;
    return new Promise((resolve, reject) => this.commits.push({ resolve, reject }));
  }
}

const line = (src: string, body: Record<string, unknown>) => `${JSON.stringify({ src, dest: 'n1', body })}\n`;
const gpu = (msgId: number, amount: number) => ({ type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount }] });
const settle = () => new Promise((r) => setTimeout(r, 0));

function setUp() {
  const store = new LaterStore();
  const failed: Error[] = [];
  const node = new ResourceNode({ deterministic: true }, { durable: store });
  const hub = new Hub(node, { log: () => {}, maxLineBytes: 1 << 20, maxUnreadBytes: 1 << 20, releaseOnDisconnect: false, commitsLater: true, commitFailed: (e) => failed.push(e) });
  const stream = () => {
    const input = new Input();
    const output = new Output();
    hub.attach(input as unknown as Readable, output as unknown as Writable, { name: 's', endOutputWithInput: false, releasable: false, destroy: () => {} });
    return { output, send: (text: string) => input.emit('data', Buffer.from(text)) };
  };
  return { hub, store, failed, stream };
}

describe('Hub with commits that finish later', () => {
  it('writes a reply only once the commit covering its change has finished', async () => {
    const { store, stream } = setUp();
    const s = stream();
    s.send(line('c1', gpu(1, 1)));
    expect(s.output.types()).toEqual([]);
    expect(store.commits).toHaveLength(1);
    store.commits[0]!.resolve();
    await settle();
    expect(s.output.types()).toEqual(['allocated']);
  });

  it('keeps what came during a commit for the next one, in order', async () => {
    const { store, stream } = setUp();
    const [a, b] = [stream(), stream()];
    a.send(line('c1', gpu(1, 2)));
    b.send(line('c2', gpu(1, 1)) + line('c2', { type: 'status', msg_id: 2 }));
    expect(store.commits).toHaveLength(1);
    store.commits[0]!.resolve();
    await settle();
    // c2's queued waits for the second commit, and its status behind it.
    expect(a.output.types()).toEqual(['allocated']);
    expect(b.output.types()).toEqual([]);
    expect(store.commits).toHaveLength(2);
    store.commits[1]!.resolve();
    await settle();
    expect(b.output.types()).toEqual(['queued', 'status_ok']);
  });

  it('writes nothing a failed commit covers, and says so', async () => {
    const { store, failed, stream } = setUp();
    const s = stream();
    s.send(line('c1', gpu(1, 1)));
    store.commits[0]!.reject(new Error('fenced out'));
    await settle();
    expect(s.output.types()).toEqual([]);
    expect(failed.map((e) => e.message)).toEqual(['fenced out']);
  });

  it('keeps a line for a client no stream speaks for until one does (attach)', async () => {
    const { hub, stream } = setUp();
    const s = stream();
    hub.send('c9', '{"src":"n1","dest":"c9","body":{"type":"allocated","in_reply_to":4}}');
    hub.flush();
    expect(s.output.types()).toEqual([]);
    s.send(line('node b', { type: 'attach', msg_id: 1, clients: ['c9'] }));
    await settle();
    expect(s.output.types()).toEqual(['attach_ok', 'allocated']);
  });
});
