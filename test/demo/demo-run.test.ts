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

  it('refuses a bad flag with exit status 2', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/demo.js'), '--jobs', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--jobs must be a whole number from 1 to 100, got "0"');
  });
});
