import { describe, expect, it } from 'vitest';
import { timelineSvg } from '../../src/run/svg.js';
import type { RunEvent, RunRecord } from '../../src/run/timeline.js';
import { readSvg } from './svg-check.js';

const threeJobsTwoRobots: RunRecord = {
  jobs: ['job1', 'job2', 'job3'],
  laneType: 'robot',
  members: ['r1', 'r2'],
  events: [
    { at: 2, job: 'job1', kind: 'starts', members: { robot: ['r1'] }, pid: 11 },
    { at: 2, job: 'job2', kind: 'starts', members: { robot: ['r2'] }, pid: 12 },
    { at: 3, job: 'job3', kind: 'waits', reason: 'Insufficient resources (robot: 1 needed, 0 free)' },
    { at: 1503, job: 'job1', kind: 'ends', status: 'completed', detail: 'exit code 0' },
    { at: 1504, job: 'job3', kind: 'starts', members: { robot: ['r1'] }, pid: 13 },
    { at: 1504, job: 'job2', kind: 'ends', status: 'completed', detail: 'exit code 0' },
    { at: 3005, job: 'job3', kind: 'ends', status: 'completed', detail: 'exit code 0' },
  ],
};

describe('the SVG timeline', () => {
  it('has one lane per robot, one labelled bar per job in its robot lane, and a wait for job3', () => {
    const svg = timelineSvg(threeJobsTwoRobots);
    const parts = readSvg(svg);
    expect(parts.lanes).toEqual(['r1', 'r2']);
    expect(parts.bars.map((b) => [b.job, b.lane])).toEqual([
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
    // job3's bar starts where job1's ends, on the same lane; nothing failed, so no failure legend.
    const [job1, , job3] = parts.bars;
    expect(job3!.x).toBeGreaterThanOrEqual(job1!.x + job1!.width);
    expect(svg).not.toContain('did not complete');
  });

  it('packs jobs that hold no member onto slots, and outlines one that did not complete', () => {
    const events: RunEvent[] = [
      { at: 0, job: 'a', kind: 'starts', pid: 1 },
      { at: 0, job: 'b', kind: 'starts', pid: 2 },
      { at: 1, job: 'c', kind: 'waits', reason: 'Insufficient resources (cpu: 2 needed, 0 free)' },
      { at: 100, job: 'a', kind: 'ends', status: 'failed', detail: 'exit code 3' },
      { at: 100, job: 'c', kind: 'starts', pid: 3 },
      { at: 150, job: 'b', kind: 'ends', status: 'completed', detail: 'exit code 0' },
      { at: 400, job: 'c', kind: 'ends', status: 'killed', detail: 'SIGTERM' },
    ];
    const svg = timelineSvg({ jobs: ['a', 'b', 'c'], events });
    const parts = readSvg(svg);
    expect(parts.lanes).toEqual(['slot 1', 'slot 2']);
    expect(parts.bars.map((b) => [b.job, b.lane])).toEqual([
      ['a', 'slot 1'],
      ['b', 'slot 2'],
      ['c', 'slot 1'],
    ]);
    expect(svg).toContain('did not complete');
    expect(svg.match(/class="job-bar"[^>]*stroke="#c0392b"/g)).toHaveLength(2);
    expect(svg).toContain('1 completed, 1 failed, 1 killed');
  });

  it('scales to more jobs, packing overlapping waits into separate rows', () => {
    const jobs = ['job1', 'job2', 'job3', 'job4', 'job5'];
    const run: RunRecord = {
      jobs,
      laneType: 'robot',
      members: ['r1'],
      events: jobs.flatMap((job, i): RunEvent[] => [
        ...(i > 0 ? [{ at: 0, job, kind: 'waits' as const }] : []),
        { at: i * 100, job, kind: 'starts', members: { robot: ['r1'] }, pid: i },
        { at: (i + 1) * 100, job, kind: 'ends', status: 'completed' },
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
    const svg = timelineSvg({ ...threeJobsTwoRobots, members: ['r1', 'r<2>'], events: threeJobsTwoRobots.events.map((e) => (e.members?.robot?.[0] === 'r2' ? { ...e, members: { robot: ['r<2>'] } } : e)) });
    expect(readSvg(svg).lanes).toEqual(['r1', 'r&lt;2&gt;']);
  });
});
