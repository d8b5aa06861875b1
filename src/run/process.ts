import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** How a job's process ended: its exit code, or the signal that ended it. */
export type Exit = { readonly code: number; readonly signal?: undefined } | { readonly code?: undefined; readonly signal: NodeJS.Signals };

export interface ProcessSink {
  /** One line the process wrote (without its newline), on `stream`. */
  line(text: string, stream: 'stdout' | 'stderr'): void;
  /** The process and every other process of its group are gone. */
  ended(exit: Exit): void;
}

/** The longest output line passed on whole; a longer one is cut into pieces of this size. */
const MAX_LINE_CHARS = 64 * 1024;
/** How often a group is checked for members left once its leader has exited. */
const POLL_MS = 25;

/**
 * A job's command, run in a process group of its own (its own session: setsid), so that a
 * signal reaches everything it started. The group is watched until empty: a leader that
 * exits leaves its children to be stopped too, as systemd does with a unit's control group.
 */
export class JobProcess {
  private readonly child: ChildProcess;
  /** The process group's id: the leader's pid (-1 when it could not start). */
  readonly pid: number;
  private exit: Exit | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private open = 2;

  constructor(
    command: readonly string[],
    env: NodeJS.ProcessEnv,
    private readonly graceMs: number,
    private readonly sink: ProcessSink,
  ) {
    const [program, ...args] = command;
    this.child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    this.pid = this.child.pid ?? -1;
    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      const emit = (line: string): void => {
        for (let at = 0; at < line.length || at === 0; at += MAX_LINE_CHARS) sink.line(line.slice(at, at + MAX_LINE_CHARS), stream);
      };
      const out = this.child[stream]!;
      out.setEncoding('utf8');
      out.on('data', (text: string) => {
        pending += text;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          emit(pending.slice(0, nl).replace(/\r$/, ''));
          pending = pending.slice(nl + 1);
        }
        // Whatever of a long line is already here is passed on, so memory stays bounded.
        while (pending.length > MAX_LINE_CHARS) {
          sink.line(pending.slice(0, MAX_LINE_CHARS), stream);
          pending = pending.slice(MAX_LINE_CHARS);
        }
      });
      out.on('close', () => {
        if (pending !== '') sink.line(pending, stream);
        pending = '';
        this.open = Math.max(0, this.open - 1);
        this.settle();
      });
    }
    // A command that cannot start (no such program) ends like one that exits 127, as in a shell.
    this.child.on('error', (e) => {
      if (this.exit !== undefined) return;
      sink.line(`cannot start ${program}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 'stderr');
      this.exit = { code: 127 };
      this.open = 0;
      this.settle();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = signal !== null ? { signal } : { code: code ?? 0 };
      this.settle();
    });
  }

  /** SIGTERM to the whole group, then SIGKILL once the grace has passed. */
  stop(): void {
    if (this.stopping || this.pid < 0) return;
    this.stopping = true;
    signalGroup(this.pid, 'SIGTERM');
    this.killTimer = setTimeout(() => signalGroup(this.pid, 'SIGKILL'), this.graceMs);
  }

  /** SIGKILL to the whole group now (a second Ctrl-C). */
  kill(): void {
    if (this.pid > 0) signalGroup(this.pid, 'SIGKILL');
  }

  /** True once stop() was called. */
  get stopped(): boolean {
    return this.stopping;
  }

  private settled = false;
  private poll: NodeJS.Timeout | undefined;

  /**
   * Ends the job once the leader has exited, its group is empty and its output is read.
   * Whatever the leader left running in its group is stopped like the leader would be.
   */
  private settle(): void {
    if (this.settled || this.exit === undefined) return;
    const alive = this.pid > 0 && groupAlive(this.pid);
    if (alive) this.stop();
    if (!alive && this.open === 0) {
      this.settled = true;
      clearInterval(this.poll);
      clearTimeout(this.killTimer);
      this.sink.ended(this.exit);
      return;
    }
    if (this.poll !== undefined) return;
    const since = Date.now();
    this.poll = setInterval(() => {
      // A process that left the group (its own setsid) may keep the output open: after the
      // grace and a little more, the output is closed on it.
      if (Date.now() - since > this.graceMs + 1000) {
        this.child.stdout?.destroy();
        this.child.stderr?.destroy();
        this.open = 0;
      }
      this.settle();
    }, POLL_MS);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/**
 * True while a process of the group is alive. A zombie (dead, not yet reaped by its parent,
 * which for an orphan is the system's init) still counts for kill(0), so on Linux the
 * group's members are read from /proc and zombies left out.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // The command name, in parentheses, may hold spaces: fields are counted after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === pgid;
    } catch {
      return false;
    }
  });
}
