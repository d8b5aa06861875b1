import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderLink, splitAddress } from '../../src/adapters/leader-link.js';
import type { Request } from '../../src/protocol/envelope.js';

// A follower's connection to the leader, against a plain TCP server standing in for the leader.

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server that records every line and hands out its sockets. */
async function leader(): Promise<{ address: string; lines: string[]; socket: () => Promise<Socket> }> {
  const lines: string[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.setEncoding('utf8');
    let rest = '';
    s.on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    s.on('error', () => {});
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = async () => {
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
    return sockets[0]!;
  };
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, lines, socket };
}

function link(secret?: string) {
  const delivered: [string, string][] = [];
  const l = new LeaderLink({
    name: 'node b',
    log: () => {},
    maxLineBytes: 1 << 20,
    secret,
    deliver: (dest, line) => delivered.push([dest, line]),
    delivered: () => {},
    clients: () => ['c1', 'c2'],
    indefinite: (r) => `code 0 for ${r.src} ${r.msgId}`,
    unavailable: (r) => `code 11 for ${r.src} ${r.msgId}`,
  });
  return { l, delivered };
}

const request = (src: string, msgId: number): [Request, string] => [{ src, via: 'n1', msgId, body: { type: 'status', msg_id: msgId } }, `{"src":"${src}","dest":"n1","body":{"type":"status","msg_id":${msgId}}}`];
const until = async (f: () => boolean) => {
  for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('LeaderLink', () => {
  it('holds requests until connected, then sends auth, attach and them, in order', async () => {
    const { l } = link('s3cret');
    l.forward(...request('c1', 1));
    const ld = await leader();
    l.follow(ld.address);
    await until(() => ld.lines.length >= 3);
    expect(ld.lines.map((x) => (JSON.parse(x) as { body: { type: string } }).body.type)).toEqual(['auth', 'attach', 'status']);
    expect(JSON.parse(ld.lines[1]!)).toMatchObject({ src: 'node b', body: { clients: ['c1', 'c2'] } });
    l.stop();
  });

  it('delivers what comes back by dest, and answers code 0 for what was unanswered when the connection is lost', async () => {
    const { l, delivered } = link();
    const ld = await leader();
    l.follow(ld.address);
    l.forward(...request('c1', 1));
    l.forward(...request('c2', 7));
    await until(() => ld.lines.length >= 3);
    const s = await ld.socket();
    s.write('{"src":"n1","dest":"c1","body":{"type":"status_ok","in_reply_to":1}}\n{"src":"n1","dest":"node b","body":{"type":"attach_ok","in_reply_to":1,"clients":2}}\n');
    await until(() => delivered.length >= 1);
    expect(l.unanswered).toBe(1);
    s.destroy();
    await until(() => delivered.length >= 2);
    expect(delivered).toEqual([
      ['c1', '{"src":"n1","dest":"c1","body":{"type":"status_ok","in_reply_to":1}}'],
      ['c2', 'code 0 for c2 7'],
    ]);
    l.stop();
  });

  it('hands back, unsent, what it held when the node becomes leader itself', () => {
    const { l } = link();
    l.forward(...request('c1', 1));
    expect(l.stop().map((f) => f.request.msgId)).toEqual([1]);
    expect(splitAddress('[::1]:7070')).toEqual(['::1', 7070]);
  });
});
