import { describe, expect, it } from 'vitest';
import { JobProcess, groupAlive, type Exit } from '../../src/run/process.js';

/** Runs a command to its end, stopped once it writes `stopOn`; resolves to its lines and how it ended. */
function runJob(command: string[], graceMs = 200, stopOn?: string): Promise<{ lines: string[]; exit: Exit; pid: number }> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    const p: JobProcess = new JobProcess(command, process.env, graceMs, {
      line: (text, stream) => {
        lines.push(`${stream}: ${text}`);
        if (text === stopOn) p.stop();
      },
      ended: (exit) => resolve({ lines, exit, pid: p.pid }),
    });
  });
}

describe('a job process', () => {
  it('splits output into lines on each stream, CRs dropped, a last line without its newline kept', async () => {
    const r = await runJob(['sh', '-c', "printf 'a\\r\\nb\\n'; printf 'err\\n' >&2; printf 'tail'"]);
    expect(r.exit).toEqual({ code: 0 });
    expect(r.lines.filter((l) => l.startsWith('stdout'))).toEqual(['stdout: a', 'stdout: b', 'stdout: tail']);
    expect(r.lines).toContain('stderr: err');
  });

  it('cuts a line longer than 64 KiB into pieces', async () => {
    const r = await runJob(['node', '-e', "process.stdout.write('x'.repeat(70000) + '\\n')"]);
    expect(r.lines.map((l) => l.length - 'stdout: '.length)).toEqual([65536, 70000 - 65536]);
  });

  it('reports a signal, and ends only when its whole group is gone', async () => {
    const r = await runJob(['sh', '-c', 'sleep 5 & echo started; sleep 5'], 200, 'started');
    expect(r.exit).toEqual({ signal: 'SIGTERM' });
    expect(groupAlive(r.pid)).toBe(false);
  });

  it('kills with SIGKILL what ignores SIGTERM, once the grace has passed', async () => {
    const started = Date.now();
    const r = await runJob(['sh', '-c', "trap '' TERM; echo deaf; sleep 5; sleep 5"], 150, 'deaf');
    expect(r.exit).toEqual({ signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(groupAlive(r.pid)).toBe(false);
  });
});
