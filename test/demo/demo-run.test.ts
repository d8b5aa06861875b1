import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/driver.js';
import type { DemoEvent } from '../../src/demo/timeline.js';
import { readSvg } from './svg-check.js';

const root = new URL('../../', import.meta.url).pathname;
const node = [process.execPath, join(root, 'bin/resource-node')];

/** Replays the events: no robot is ever checked out twice, and only its holder checks it in. */
function checkExclusive(events: readonly DemoEvent[], robots: number): void {
  const holder = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'checks_out') {
      expect(holder.has(e.robot!), `${e.job} checks out ${e.robot} while ${holder.get(e.robot!)} holds it`).toBe(false);
      holder.set(e.robot!, e.job);
    } else if (e.kind === 'checks_in') {
      expect(holder.get(e.robot!)).toBe(e.job);
      holder.delete(e.robot!);
    }
    expect(holder.size).toBeLessThanOrEqual(robots);
  }
  expect(holder.size).toBe(0);
}

const kinds = (events: readonly DemoEvent[]) => events.map((e) => `${e.job} ${e.kind}`);

describe('the demo against the built node', () => {
  it('starts two jobs at once and the third when the first robot comes back', async () => {
    const run = await runDemo({ jobs: 3, robots: 2, jobMs: 60, node });
    const { events } = run;
    expect(kinds(events.slice(0, 3))).toEqual(['job1 checks_out', 'job2 checks_out', 'job3 waits']);
    expect(new Set(events.slice(0, 2).map((e) => e.robot))).toEqual(new Set(['r1', 'r2']));
    const firstIn = events.findIndex((e) => e.kind === 'checks_in');
    const job3Out = events.findIndex((e) => e.job === 'job3' && e.kind === 'checks_out');
    // The node grants the waiting job right after the released reply that freed its robot.
    expect(job3Out).toBe(firstIn + 1);
    expect(events[job3Out]!.robot).toBe(events[firstIn]!.robot);
    expect(events.filter((e) => e.kind === 'checks_in')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ job: 'job3', kind: 'checks_in' });
    checkExclusive(events, 2);
  });

  it('keeps every robot exclusive with more jobs than robots', async () => {
    const { events } = await runDemo({ jobs: 6, robots: 2, jobMs: 30, node });
    checkExclusive(events, 2);
    expect(events.filter((e) => e.kind === 'waits').map((e) => e.job)).toEqual(['job3', 'job4', 'job5', 'job6']);
    // Waiting jobs are served in the order they asked.
    expect(events.filter((e) => e.kind === 'checks_out').map((e) => e.job)).toEqual(['job1', 'job2', 'job3', 'job4', 'job5', 'job6']);
  });

  it('runs as a program in a pipe: plain event lines, then the SVG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const svgPath = join(dir, 'timeline.svg');
    const r = spawnSync(process.execPath, [join(root, 'dist/demo.js'), '--job-ms', '60', '--svg', svgPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('['));
    const told = lines.map((l) => l.replace(/^\[\s*\d+ ms\] /, '').replace(/ after .*$/, ''));
    expect(told.slice(0, 3)).toEqual(['job1 checks out r1', 'job2 checks out r2', 'job3 waits: every robot is busy']);
    expect(told).toHaveLength(7);
    expect(told.filter((t) => / checks in /.test(t))).toHaveLength(3);
    expect(r.stdout).toContain(`Timeline written to ${svgPath}`);
    const parts = readSvg(readFileSync(svgPath, 'utf8'));
    expect(parts.lanes).toEqual(['r1', 'r2']);
    expect(parts.bars.map((b) => b.job).sort()).toEqual(['job1', 'job2', 'job3']);
    expect(parts.waits).toEqual(['job3']);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('in a terminal, the live view and the events share one clock, which never runs backwards', () => {
    // `script` runs the demo on a terminal; the frames it draws are read back from its output.
    const svg = join(mkdtempSync(join(tmpdir(), 'demo-')), 'timeline.svg');
    const command = `stty cols 200 rows 50; NO_COLOR=1 ${process.execPath} ${join(root, 'dist/demo.js')} --job-ms 200 --svg ${svg}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { input: '', encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(0);
    const frames = r.stdout.replace(/\r/g, '').split(/\x1b\[\d+F\x1b\[J/).map((f) => f.split('\n'));
    const times = frames.map((lines) => Number(/t = (\d+) ms/.exec(lines[0]!)?.[1]));
    expect(times.length).toBeGreaterThan(3);
    for (let i = 1; i < times.length; i++) expect(times[i], `frame ${i}`).toBeGreaterThanOrEqual(times[i - 1]!);
    // From the event log: when each robot was held.
    const held: { robot: string; from: number; to: number }[] = [];
    for (const [, at, robot] of r.stdout.matchAll(/\[\s*(\d+) ms\] job\d+ checks out (r\d+)/g)) {
      const back = new RegExp(`\\[\\s*(\\d+) ms\\] job\\d+ checks in ${robot} after holding it`, 'g');
      const ins = [...r.stdout.matchAll(back)].map((m) => Number(m[1])).filter((t) => t >= Number(at));
      if (!held.some((h) => h.robot === robot && h.from === Number(at))) held.push({ robot: robot!, from: Number(at), to: Math.min(...ins) });
    }
    expect(held.length).toBe(3);
    // A frame never shows a robot free at a time the events say it was held.
    frames.forEach((lines, i) => {
      for (const line of lines) {
        const free = /^ {2}(r\d+) +free$/.exec(line);
        if (free === null) continue;
        const t = times[i]!;
        expect(held.filter((h) => h.robot === free[1] && h.from + 1 < t && t + 1 < h.to), `frame ${i} at ${t} ms shows ${free[1]} free`).toEqual([]);
      }
    });
  });

  it('checks the --svg path before running, and refuses a stray argument', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, 'dist/demo.js'), '--svg', '/nonexistent/dir/x.svg'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('demo: --svg /nonexistent/dir/x.svg: no such folder /nonexistent/dir\n');
    expect(Date.now() - started).toBeLessThan(1500);
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    expect(spawnSync(process.execPath, [join(root, 'dist/demo.js'), '--svg', dir], { encoding: 'utf8' }).stderr).toContain('that is a folder');
    const stray = spawnSync(process.execPath, [join(root, 'dist/demo.js'), 'robots'], { encoding: 'utf8' });
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "robots"');
  });

  it('refuses a bad flag with exit status 2', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/demo.js'), '--jobs', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--jobs must be a whole number from 1 to 100, got "0"');
  });
});
