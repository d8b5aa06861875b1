import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { LineSplitter } from '../protocol/framing.js';

/** An envelope as the node writes it. */
export interface Message {
  readonly src: string;
  readonly dest: string;
  readonly body: { readonly type: string; readonly in_reply_to?: number; readonly [field: string]: unknown };
}

/** Called with every message the node writes, or with the reason the node went away. */
export interface ClientSink {
  message(m: Message): void;
  failed(reason: string): void;
}

/**
 * A node run as a child process and spoken to over its stdin/stdout, exactly as any other
 * client would: one JSON envelope per line each way. Nothing here reaches inside the node.
 */
export class NodeClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private closing = false;
  private readonly exited: Promise<number | null>;

  constructor(
    command: readonly string[],
    private readonly nodeId: string,
    sink: ClientSink,
  ) {
    const [program, ...args] = command;
    this.child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const splitter = new LineSplitter(1024 * 1024, {
      line: (text) => {
        if (text.trim() === '') return;
        let m: Message;
        try {
          m = JSON.parse(text) as Message;
        } catch {
          sink.failed(`the node wrote a line that is not JSON: ${text}`);
          return;
        }
        sink.message(m);
      },
      oversize: () => sink.failed('the node wrote an over-long line'),
    });
    this.child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        sink.failed(`could not start the node (${command.join(' ')}): ${e.message}`);
        resolve(null);
      });
      this.child.on('close', (code) => {
        if (!this.closing) sink.failed(`the node exited early (code ${code})${this.stderr === '' ? '' : `: ${this.stderr.trim()}`}`);
        resolve(code);
      });
    });
  }

  /** Sends bodies from the given clients in one write, so the node sees them together. */
  send(messages: readonly { readonly src: string; readonly body: object }[]): void {
    const text = messages.map((m) => `${JSON.stringify({ src: m.src, dest: this.nodeId, body: m.body })}\n`).join('');
    this.child.stdin.write(text);
  }

  /** Ends the node's input and waits for it to exit; resolves to its exit code. */
  close(): Promise<number | null> {
    this.closing = true;
    this.child.stdin.end();
    return this.exited;
  }

  /** Stops the node at once (on an error or an interrupt). */
  kill(): void {
    this.closing = true;
    this.child.kill('SIGTERM');
  }

  /** What the node wrote on stderr so far. */
  get log(): string {
    return this.stderr;
  }
}
