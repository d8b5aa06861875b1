import { describe, expect, it } from 'vitest';
import { timelineSvg } from '../../src/demo/svg.js';
import type { DemoRun } from '../../src/demo/timeline.js';
import { readSvg } from './svg-check.js';

const threeJobsTwoRobots: DemoRun = {
  jobs: ['job1', 'job2', 'job3'],
  robots: ['r1', 'r2'],
  jobMs: 1500,
  events: [
    { at: 2, job: 'job1', kind: 'checks_out', robot: 'r1' },
    { at: 2, job: 'job2', kind: 'checks_out', robot: 'r2' },
    { at: 3, job: 'job3', kind: 'waits' },
    { at: 1503, job: 'job1', kind: 'checks_in', robot: 'r1' },
    { at: 1504, job: 'job3', kind: 'checks_out', robot: 'r1' },
    { at: 1504, job: 'job2', kind: 'checks_in', robot: 'r2' },
    { at: 3005, job: 'job3', kind: 'checks_in', robot: 'r1' },
  ],
};

describe('the SVG timeline', () => {
  it('has one lane per robot, one labelled bar per job in its robot lane, and a wait for job3', () => {
    const svg = timelineSvg(threeJobsTwoRobots);
    const parts = readSvg(svg);
    expect(parts.lanes).toEqual(['r1', 'r2']);
    expect(parts.bars.map((b) => [b.job, b.robot])).toEqual([
      ['job1', 'r1'],
      ['job2', 'r2'],
      ['job3', 'r1'],
    ]);
    expect(parts.waits).toEqual(['job3']);
    // The legend's wait swatch is hatched like the wait bar it explains: job3's, not job1's.
    const swatch = /<rect x="290" y="72"[^>]*fill="url\(#hatch-([^)]+)\)" stroke="([^"]+)"/.exec(svg);
    const bar = /<rect class="wait-bar"[^>]*fill="url\(#hatch-([^)]+)\)" stroke="([^"]+)"/.exec(svg);
    expect(swatch?.slice(1)).toEqual(['job3', bar![2]]);
    expect(bar![1]).toBe('job3');
    expect(parts.ticks).toBeGreaterThanOrEqual(3);
    for (const job of threeJobsTwoRobots.jobs) expect(svg).toContain(`>${job}<`);
    // job3's bar starts where job1's ends, on the same lane.
    const [job1, , job3] = parts.bars;
    expect(job3!.x).toBeGreaterThanOrEqual(job1!.x + job1!.width);
  });

  it('scales to more jobs and robots, packing overlapping waits into separate rows', () => {
    const jobs = ['job1', 'job2', 'job3', 'job4', 'job5'];
    const run: DemoRun = {
      jobs,
      robots: ['r1'],
      jobMs: 100,
      events: jobs.flatMap((job, i) => [
        ...(i > 0 ? [{ at: 0, job, kind: 'waits' as const }] : []),
        { at: i * 100, job, kind: 'checks_out' as const, robot: 'r1' },
        { at: (i + 1) * 100, job, kind: 'checks_in' as const, robot: 'r1' },
      ]),
    };
    const svg = timelineSvg(run);
    const parts = readSvg(svg);
    expect(parts.lanes).toEqual(['r1']);
    expect(parts.bars.map((b) => b.job)).toEqual(jobs);
    expect(parts.waits.sort()).toEqual(['job2', 'job3', 'job4', 'job5']);
    const waitYs = new Set([...svg.matchAll(/class="wait-bar"[^>]* y="([0-9.]+)"/g)].map((m) => m[1]));
    expect(waitYs.size).toBe(4);
  });

  it('escapes text it did not write itself', () => {
    const svg = timelineSvg({ ...threeJobsTwoRobots, robots: ['r1', 'r<2>'], events: threeJobsTwoRobots.events.map((e) => (e.robot === 'r2' ? { ...e, robot: 'r<2>' } : e)) });
    expect(readSvg(svg).lanes).toEqual(['r1', 'r&lt;2&gt;']);
  });
});
