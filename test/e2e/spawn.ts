import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** The built program, run with this very node: what `bin/resource-node` does on a user's machine. */
export const BIN = new URL('../../bin/resource-node', import.meta.url).pathname;

export function start(args: string[] = []): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  // A node that stops reading (on a signal) leaves our unwritten input behind: EPIPE is expected.
  child.stdin.on('error', () => {});
  return child;
}

export interface Finished {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

/** Runs the node on `input` (written at once, then end of input). */
export function runNode(input: string | Buffer, args: string[] = []): Promise<Finished> {
  const child = start(args);
  const done = finished(child);
  child.stdin.end(input);
  return done;
}

/** Resolves once `child` has written at least `lines` complete lines to stdout (which the caller must not consume otherwise). */
export function waitForLines(child: ChildProcessWithoutNullStreams, lines: number): Promise<string[]> {
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      const got = text.split('\n');
      if (got.length - 1 >= lines) {
        child.stdout.off('data', onData);
        resolve(got.slice(0, -1));
      }
    };
    child.stdout.on('data', onData);
    child.on('close', () => reject(new Error(`exited after ${text.split('\n').length - 1} lines, wanted ${lines}`)));
  });
}

export function envelope(src: string, body: Record<string, unknown>, dest = 'n1'): string {
  return JSON.stringify({ src, dest, body });
}

export function parseLines(text: string): { src: string; dest: string; body: Record<string, unknown> }[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}
