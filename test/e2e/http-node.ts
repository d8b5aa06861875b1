import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { envelope, start } from './spawn.js';

/** A node started with --http on a free port, driven over its stdin; replies are collected by line. */
export interface HttpNode {
  readonly child: ChildProcessWithoutNullStreams;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** Sends one message; resolves with the next `count` stdout lines (its reply and what it caused). */
  send(src: string, body: Record<string, unknown>, count?: number): Promise<Record<string, unknown>[]>;
  /** Writes whole envelope lines, then resolves once the node has handled them all (a status after them is answered). */
  sendAll(lines: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `bin/resource-node --http 127.0.0.1:0 ...args` and waits for the address it prints. */
export async function startHttpNode(args: string[] = []): Promise<HttpNode> {
  const child = start(['--http', '127.0.0.1:0', ...args]);
  let stderr = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
      if (m !== null) resolve(m[1]!);
    });
    child.on('close', () => reject(new Error(`the node exited before serving: ${stderr}`)));
  });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  let taken = 0;
  const next = async (count: number): Promise<Record<string, unknown>[]> => {
    while (lines.length - taken < count) await new Promise<void>((r) => waiters.push(r));
    const got = lines.slice(taken, taken + count);
    taken += count;
    return got.map((l) => (JSON.parse(l) as { body: Record<string, unknown> }).body);
  };
  return {
    child,
    base,
    send(src, body, count = 1) {
      child.stdin.write(`${envelope(src, body)}\n`);
      return next(count);
    },
    sendAll(sent) {
      child.stdin.write(`${[...sent, envelope('sync', { type: 'status', msg_id: 987_654_321 })].join('\n')}\n`);
      const synced = (): boolean => lines.some((l) => l.includes('"in_reply_to":987654321'));
      return (async () => {
        while (!synced()) await new Promise<void>((r) => waiters.push(r));
      })();
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on('close', () => resolve());
        child.stdin.end();
      });
    },
  };
}

/** Samples of a Prometheus text exposition, by `name{labels}`; throws on a line that is not the format. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3]!)) throw new Error(`bad TYPE: ${line}`);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}
