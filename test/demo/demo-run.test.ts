import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoJobs } from '../../src/demo/jobs.js';
import { readSvg } from '../run/svg-check.js';

const root = new URL('../../', import.meta.url).pathname;
const demo = join(root, 'dist/demo.js');

interface Held {
  job: string;
  robot: string;
  from: number;
  to: number;
}

/** Who held which robot when, from the event lines `[  12 ms] job1 starts on robot r1 ...` and `... job1 completed ...`. */
function holdings(stdout: string): Held[] {
  const held: Held[] = [];
  for (const [, at, job, robot] of stdout.matchAll(/\[\s*(\d+) ms\] (job\d+) starts on robot (r\d+)/g)) {
    // A live frame repeats the latest events: each holding counts once.
    if (held.some((h) => h.job === job && h.from === Number(at))) continue;
    const end = new RegExp(`\\[\\s*(\\d+) ms\\] ${job} completed`).exec(stdout);
    held.push({ job: job!, robot: robot!, from: Number(at), to: Number(end?.[1] ?? Infinity) });
  }
  return held;
}

/** No robot is held by two jobs at once. */
function checkExclusive(held: readonly Held[]): void {
  for (const a of held) for (const b of held) if (a !== b && a.robot === b.robot) expect(a.to <= b.from || b.to <= a.from, `${a.job} and ${b.job} both on ${a.robot}`).toBe(true);
}

describe('the demo: real processes sharing robots through resource-run', () => {
  it('runs as a program in a pipe: two jobs at once, the third when a robot comes back, then the SVG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const svgPath = join(dir, 'timeline.svg');
    const r = spawnSync(process.execPath, [demo, '--job-ms', '100', '--svg', svgPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const told = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('['))
      .map((l) => l.replace(/^\[\s*\d+ ms\] /, '').replace(/ (after|\().*$/, ''));
    expect(told.slice(0, 3)).toEqual(['job1 starts on robot r1', 'job2 starts on robot r2', 'job3 waits: Insufficient resources']);
    expect(told.filter((t) => / completed$/.test(t))).toHaveLength(3);
    // Each process says which robot it was given, from its environment.
    expect(r.stdout).toContain('job1 | working with robot r1');
    expect(r.stdout).toMatch(/job3 \| working with robot r[12]/);
    const held = holdings(r.stdout);
    expect(held).toHaveLength(3);
    checkExclusive(held);
    expect(r.stdout).toContain('3 jobs: 3 completed');
    expect(r.stdout).toContain(`Timeline written to ${svgPath}`);
    const parts = readSvg(readFileSync(svgPath, 'utf8'));
    expect(parts.lanes).toEqual(['r1', 'r2']);
    expect(parts.bars.map((b) => b.job).sort()).toEqual(['job1', 'job2', 'job3']);
    expect(parts.waits).toEqual(['job3']);
  });

  it('builds one job per robot holder, each asking for one robot', () => {
    const jobs = demoJobs({ jobs: 3, jobMs: 1500 });
    expect(jobs.map((j) => j.name)).toEqual(['job1', 'job2', 'job3']);
    expect(jobs[0]!.requirements).toEqual([{ type: 'robot', amount: 1 }]);
    expect(jobs[0]!.command.join(' ')).toContain('sleep 1.500');
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('in a terminal, the live view and the events share one clock, which never runs backwards', () => {
    // `script` runs the demo on a terminal; the frames it draws are read back from its output.
    const svg = join(mkdtempSync(join(tmpdir(), 'demo-')), 'timeline.svg');
    const command = `stty cols 200 rows 50; NO_COLOR=1 ${process.execPath} ${demo} --job-ms 200 --svg ${svg}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { input: '', encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(0);
    const frames = r.stdout.replace(/\r/g, '').split(/\x1b\[\d+F\x1b\[J/).map((f) => f.split('\n'));
    const times = frames.map((lines) => Number(/t = (\d+) ms/.exec(lines.find((l) => / t = \d+ ms$/.test(l)) ?? '')?.[1])).filter((t) => !Number.isNaN(t));
    expect(times.length).toBeGreaterThan(3);
    for (let i = 1; i < times.length; i++) expect(times[i], `frame ${i}`).toBeGreaterThanOrEqual(times[i - 1]!);
    const held = holdings(r.stdout);
    expect(held.length).toBe(3);
    // A frame never shows a robot free at a time the events say it was held.
    for (const f of frames) {
      const t = Number(/t = (\d+) ms/.exec(f.find((l) => / t = \d+ ms$/.test(l)) ?? '')?.[1]);
      if (Number.isNaN(t)) continue;
      for (const line of f) {
        const free = /^ {2}(r\d+) +free$/.exec(line);
        if (free === null) continue;
        expect(held.filter((h) => h.robot === free[1] && h.from + 1 < t && t + 1 < h.to), `frame at ${t} ms shows ${free[1]} free`).toEqual([]);
      }
    }
  });

  it('checks the --svg path before running, and refuses a stray argument or a bad flag', () => {
    // Nothing on stdout: no job ran (a run prints its timeline), so the path was checked first.
    const r = spawnSync(process.execPath, [demo, '--svg', '/nonexistent/dir/x.svg'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('demo: --svg /nonexistent/dir/x.svg: no such folder /nonexistent/dir\n');
    const stray = spawnSync(process.execPath, [demo, 'robots'], { encoding: 'utf8' });
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "robots"');
    const bad = spawnSync(process.execPath, [demo, '--jobs', '0'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--jobs must be a whole number from 1 to 100, got "0"');
  });
});
