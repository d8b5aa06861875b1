import { describe, expect, it } from 'vitest';
import { frame, plainView } from '../../src/run/terminal.js';
import type { RunEvent } from '../../src/run/timeline.js';

const setup = { jobs: ['job1', 'job2', 'job3'], laneType: 'robot', members: ['r1', 'r2'] };
const events: RunEvent[] = [
  { at: 1, job: 'job1', kind: 'starts', members: { robot: ['r1'] }, pid: 101 },
  { at: 1, job: 'job2', kind: 'starts', members: { robot: ['r2'] }, pid: 102 },
  { at: 2, job: 'job3', kind: 'waits', reason: 'Insufficient resources (robot: 1 needed, 0 free)' },
];

describe('the terminal views', () => {
  it('draws who runs on which robot, who waits since when and why, and what is done', () => {
    const lines = frame({ ...setup, events, now: 600, colour: false });
    expect(lines[0]).toBe('3 jobs: 2 running, 1 waiting, 0 done        t = 600 ms');
    expect(lines.find((l) => l.startsWith('  r1    |'))).toMatch(/^ {2}r1 {4}\|job1=+ +\|$/);
    expect(lines.find((l) => l.startsWith('  wait  |'))).toMatch(/\|job3░+ +\| job3$/);
    expect(lines).toContain('  r1    job1 since 1 ms (599 ms so far)');
    expect(lines).toContain('  waiting  job3 since 2 ms (Insufficient resources (robot: 1 needed, 0 free))');
    expect(lines).toContain('  done     nothing yet');
    expect(lines.at(-1)).toBe('  [    2 ms] job3 waits: Insufficient resources (robot: 1 needed, 0 free)');
  });

  it('puts jobs without members on slots and lists them as running', () => {
    const lines = frame({ jobs: ['a', 'b'], events: [{ at: 0, job: 'a', kind: 'starts', pid: 7 }, { at: 10, job: 'b', kind: 'starts', pid: 8 }, { at: 50, job: 'b', kind: 'ends', status: 'failed', detail: 'exit code 3' }], now: 200, colour: false });
    expect(lines.filter((l) => /^ {2}slot \d\|/.test(l))).toHaveLength(2);
    expect(lines).toContain('  running  a (200 ms so far)');
    expect(lines).toContain('  done     b failed (exit code 3)');
  });

  it('prints one plain line per event and passes output lines on their own stream', () => {
    let out = '';
    let err = '';
    const view = plainView({ ...setup, write: (t) => (out += t), writeError: (t) => (err += t) });
    const more: RunEvent[] = [
      { at: 1003, job: 'job1', kind: 'ends', status: 'completed', detail: 'exit code 0' },
      { at: 1004, job: 'job3', kind: 'starts', members: { robot: ['r1'] }, pid: 103 },
      { at: 1100, job: 'job3', kind: 'stops', reason: 'timeout 96 ms' },
      { at: 1110, job: 'job3', kind: 'ends', status: 'killed', detail: 'SIGTERM' },
    ];
    for (const e of [...events, ...more]) view.event(e);
    view.output('job1 | hello', 'stdout');
    view.output('job1 | oops', 'stderr');
    expect(out.split('\n').slice(3, 8)).toEqual([
      '[ 1003 ms] job1 completed after 1002 ms',
      '[ 1004 ms] job3 starts on robot r1 after waiting 1002 ms (pid 103)',
      '[ 1100 ms] job3 is stopped: timeout 96 ms (SIGTERM to its process group)',
      '[ 1110 ms] job3 was killed by SIGTERM after 106 ms (timeout 96 ms)',
      'job1 | hello',
    ]);
    expect(err).toBe('job1 | oops\n');
  });
});
