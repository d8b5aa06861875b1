import { spawn, type ChildProcess } from 'node:child_process';

/** What waiting for the next stdout line produced. */
export type NextLine = { readonly line: string } | { readonly timeout: true } | { readonly exited: string };

const STDERR_KEEP_BYTES = 16 * 1024;

/**
 * A node under test: any program, started through `sh -c` so a command such as
 * `python3 main.py` works. Stdout is split into lines by hand; the end of stderr is kept
 * for failure reports. The program runs in its own process group so that killing it also
 * kills whatever the shell started.
 */
export class NodeProcess {
  /** Every node still running, so an interrupted run can end them all. */
  static readonly live = new Set<NodeProcess>();

  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private partial = '';
  private stdoutText = '';
  private stderrText = '';
  private exitText: string | undefined;
  private wake: (() => void) | undefined;
  private readonly exited: Promise<void>;

  constructor(command: string) {
    this.child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    NodeProcess.live.add(this);
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.take(chunk));
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-STDERR_KEEP_BYTES);
    });
    // A node that exits early must not crash the runner with EPIPE on its stdin.
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.exitText = `could not be started (${e.message})`;
        NodeProcess.live.delete(this);
        this.notify();
        resolve();
      });
      this.child.on('close', (code, signal) => {
        if (this.partial !== '') this.lines.push(this.partial);
        this.partial = '';
        this.exitText ??= signal ? `was killed by ${signal}` : `exited with status ${code}`;
        NodeProcess.live.delete(this);
        this.notify();
        resolve();
      });
    });
  }

  /** Writes text to the node's stdin as it is. */
  write(text: string): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(text);
  }

  /** Closes the node's stdin: end of input. */
  endInput(): void {
    this.child.stdin!.end();
  }

  /** Lines already read but not yet taken. */
  get pending(): number {
    return this.lines.length;
  }

  /** The next stdout line, or why there is none within `timeoutMs`. */
  async next(timeoutMs: number): Promise<NextLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return { line };
      if (this.exitText !== undefined) return { exited: this.exitText };
      const left = deadline - Date.now();
      if (left <= 0) return { timeout: true };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Waits for the process to end by itself; true if it did within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([this.exited.then(() => true), timedOut]);
    clearTimeout(timer);
    return done;
  }

  /** How the process ended, once it has. */
  get exit(): string | undefined {
    return this.exitText;
  }

  /** The exit status, when it exited normally. */
  get status(): number | null {
    return this.child.exitCode;
  }

  /** Everything the node wrote to stdout so far, as written. */
  get stdout(): string {
    return this.stdoutText;
  }

  /** The last `n` lines the node wrote to stderr. */
  stderrTail(n: number): string[] {
    const all = this.stderrText.split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-n);
  }

  /** Ends the node and everything it started; safe to call more than once. */
  async kill(): Promise<void> {
    if (this.exitText === undefined && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await this.exited;
  }

  private take(chunk: string): void {
    this.stdoutText += chunk;
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
    if (parts.length > 0) this.notify();
  }

  private notify(): void {
    this.wake?.();
  }
}

/** Quotes one word for `sh`. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell command line for a node command plus extra flags. */
export function commandLine(node: string, args: readonly string[]): string {
  return [node, ...args.map(shellQuote)].join(' ');
}
