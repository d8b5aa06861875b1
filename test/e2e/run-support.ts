import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built runner, run with this very node. */
export const RUN_BIN = new URL('../../bin/resource-run', import.meta.url).pathname;

export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'resource-run-'));
  dirs.push(dir);
  return dir;
}

/** Removes the temp dirs made so far (after the runners that used them have ended). */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes jobs as JSON lines into `dir`; returns the file's path. */
export function jobFile(dir: string, jobs: readonly object[], name = 'jobs.jsonl'): string {
  const path = join(dir, name);
  writeFileSync(path, jobs.map((j) => `${JSON.stringify(j)}\n`).join(''));
  return path;
}

const running = new Set<{ child: ChildProcess; done: Promise<Ran> }>();

/** After a test that failed half-way: each runner still going is woken and told to stop, which stops its jobs, and waited for. */
export async function stopLeftRunners(): Promise<void> {
  for (const r of running) {
    r.child.kill('SIGCONT');
    r.child.kill('SIGTERM');
    await r.done;
  }
}

export function startRun(args: readonly string[]): { child: ChildProcess; done: Promise<Ran>; output: () => string } {
  const child = spawn(process.execPath, [RUN_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
  const entry = { child, done };
  running.add(entry);
  void done.finally(() => running.delete(entry));
  return { child, done, output: () => stdout };
}

export function run(args: readonly string[]): Promise<Ran> {
  return startRun(args).done;
}

/** Resolves once the runner has printed a line matching `pattern` (a loaded machine may take seconds to start a runner and its node). */
export async function waitFor(output: () => string, pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  const until = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(output());
    if (m !== null) return m;
    if (Date.now() > until) throw new Error(`no ${pattern} in:\n${output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A process that is alive: it exists and is not a zombie (an orphan's zombie waits for an init that may never reap it). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of the living children of `parent`. */
export function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === parent && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });
}

/** The pids the runner printed for the jobs it started. */
export function startedPids(stdout: string): number[] {
  return [...stdout.matchAll(/ starts.*\(pid (\d+)\)/g)].map((m) => Number(m[1]));
}
