import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { finished, start, type Finished } from './spawn.js';

export type Message = { src: string; dest: string; body: Record<string, unknown> };

/** A node started with --listen 127.0.0.1:0, and the port it says it bound. */
export interface Listening {
  readonly child: ReturnType<typeof start>;
  readonly port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves when it exits. */
  readonly exit: Promise<Finished>;
}

export async function listening(args: string[] = []): Promise<Listening> {
  const child = start(['--listen', '127.0.0.1:0', ...args]);
  const exit = finished(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer | string) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const look = (): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m !== null) {
        child.stderr.off('data', look);
        resolve(Number(m[1]));
      }
    };
    child.stderr.on('data', look);
    void exit.then((r) => reject(new Error(`exited ${r.code}: ${r.stderr}`)));
  });
  return { child, port, stderr: () => stderr, exit };
}

/** One connection: send envelopes, take the messages it receives in order. */
export class Client {
  readonly socket: Socket;
  private text = '';
  private readonly got: Message[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.text += d;
      const lines = this.text.split('\n');
      this.text = lines.pop()!;
      for (const l of lines) this.got.push(JSON.parse(l) as Message);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<Client> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return new Client(socket);
  }

  send(src: string, body: Record<string, unknown>): void {
    this.socket.write(`${JSON.stringify({ src, dest: 'n1', body })}\n`);
  }

  /** The next `n` messages (rejects if the connection closes first or `ms` pass). */
  async take(n = 1, ms = 5000): Promise<Message[]> {
    const deadline = Date.now() + ms;
    while (this.got.length < n) {
      if (this.closed) throw new Error(`connection closed after ${this.got.length} of ${n} messages`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.got.length} of ${n} messages`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.got.splice(0, n);
  }

  /** Sends `body` and returns the reply to it (the next message). */
  async ask(src: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.send(src, body);
    return (await this.take(1))[0]!.body;
  }

  /** Resolves when the node closed the connection; returns what came before and was not taken. */
  async untilClosed(ms = 5000): Promise<Message[]> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (!this.closed) throw new Error('the node did not close the connection');
    return this.got.splice(0);
  }

  /** Messages received and not taken yet. */
  get pending(): number {
    return this.got.length;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Resident memory of a process in KiB (Linux). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
