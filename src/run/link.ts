import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../protocol/framing.js';

/** An envelope as the node writes it. */
export interface Message {
  readonly src: string;
  readonly dest: string;
  readonly body: { readonly type: string; readonly in_reply_to?: number; readonly [field: string]: unknown };
}

/** Called with every message the node writes, or with the reason the node went away. */
export interface LinkSink {
  message(m: Message): void;
  failed(reason: string): void;
}

/** A stream of envelopes to and from a node, whatever carries them. */
export interface NodeLink {
  /** Sends bodies from the given clients in one write, so the node sees them together. */
  send(messages: readonly { readonly src: string; readonly body: object }[]): void;
  /** Ends our side and waits for the node (or the connection) to finish. */
  close(): Promise<void>;
  /** Stops at once (on an error). */
  kill(): void;
}

const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Frames `input` into messages for `sink`; a line that is not JSON ends the link. */
function readMessages(input: Readable, sink: LinkSink): void {
  const splitter = new LineSplitter(MAX_LINE_BYTES, {
    line: (text) => {
      if (text.trim() === '') return;
      let m: Message;
      try {
        m = JSON.parse(text) as Message;
      } catch {
        sink.failed(`the node wrote a line that is not JSON: ${text.slice(0, 200)}`);
        return;
      }
      sink.message(m);
    },
    oversize: () => sink.failed('the node wrote an over-long line'),
  });
  input.on('data', (chunk: Buffer) => splitter.push(chunk));
}

function writer(output: Writable, nodeId: string): NodeLink['send'] {
  return (messages) => {
    output.write(messages.map((m) => `${JSON.stringify({ src: m.src, dest: nodeId, body: m.body })}\n`).join(''));
  };
}

/**
 * A node run as a child process and spoken to over its stdin/stdout, exactly as any other
 * client would. In its own process group, so that a Ctrl-C at the terminal reaches only
 * us: we still need the node to release what our jobs hold.
 */
export function spawnNode(command: readonly string[], nodeId: string, sink: LinkSink): NodeLink {
  const [program, ...args] = command;
  const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let closing = false;
  child.stdin.on('error', () => {});
  readMessages(child.stdout, sink);
  child.stderr.on('data', (chunk: Buffer) => {
    // Its log is ours too: what went wrong, or where it listens (--listen).
    process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      sink.failed(`could not start the node (${command.join(' ')}): ${e.message}`);
      resolve(null);
    });
    child.on('close', (code) => {
      if (!closing) sink.failed(`the node exited early (code ${code})`);
      resolve(code);
    });
  });
  return {
    send: writer(child.stdin, nodeId),
    async close() {
      closing = true;
      child.stdin.end();
      // A node that also listens (--listen) outlives its stdin: SIGTERM ends it, after what it owes.
      const timer = setTimeout(() => child.kill('SIGTERM'), 1000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`the node exited with code ${code}`);
    },
    kill() {
      closing = true;
      child.kill('SIGTERM');
    },
  };
}

/**
 * A node listening on TCP (`resource-node --listen HOST:PORT`): the same envelopes, one per
 * line. With `auth`, the connection's first message presents the node's token.
 */
export function connectNode(host: string, port: number, nodeId: string, sink: LinkSink, auth?: { readonly src: string; readonly token: string }): Promise<NodeLink> {
  return new Promise((resolve, reject) => {
    let connected = false;
    let closing = false;
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const ended = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', (e) => {
      if (!connected) reject(new Error(`cannot connect to ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      else if (!closing) sink.failed(`the connection to ${host}:${port} failed: ${e.message}`);
    });
    socket.on('end', () => {
      if (connected && !closing) sink.failed(`the node at ${host}:${port} closed the connection`);
    });
    socket.on('connect', () => {
      connected = true;
      readMessages(socket, sink);
      const send = writer(socket, nodeId);
      if (auth !== undefined) send([{ src: auth.src, body: { type: 'auth', msg_id: 0, token: auth.token } }]);
      resolve({
        send,
        async close() {
          closing = true;
          socket.end();
          // A node that keeps its side open after ours ended has nothing more to say to us.
          const timer = setTimeout(() => socket.destroy(), 2000);
          await ended;
          clearTimeout(timer);
        },
        kill() {
          closing = true;
          socket.destroy();
        },
      });
    });
  });
}
