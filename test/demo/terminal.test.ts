import { describe, expect, it } from 'vitest';
import { frame, plainView } from '../../src/demo/terminal.js';
import type { DemoEvent } from '../../src/demo/timeline.js';

const setup = { jobs: ['job1', 'job2', 'job3'], robots: ['r1', 'r2'], jobMs: 1000 };
const events: DemoEvent[] = [
  { at: 1, job: 'job1', kind: 'checks_out', robot: 'r1' },
  { at: 1, job: 'job2', kind: 'checks_out', robot: 'r2' },
  { at: 2, job: 'job3', kind: 'waits' },
];

describe('the terminal views', () => {
  it('draws who holds which robot and who waits since when', () => {
    const lines = frame({ ...setup, events, now: 600, colour: false });
    expect(lines[0]).toBe('3 jobs, 2 robots, 1000 ms each        t = 600 ms');
    expect(lines.find((l) => l.startsWith('  r1    |'))).toMatch(/^ {2}r1 {4}\|job1=+ +\|$/);
    expect(lines.find((l) => l.startsWith('  wait  |'))).toMatch(/\|job3░+ +\| job3$/);
    expect(lines).toContain('  r1    job1 since 1 ms (599 ms so far)');
    expect(lines).toContain('  waiting job3 since 2 ms (598 ms so far)');
    expect(lines.at(-1)).toBe('  [    2 ms] job3 waits: every robot is busy');
  });

  it('prints one plain line per event, telling waits and holds', () => {
    let text = '';
    const view = plainView({ ...setup, write: (t) => (text += t) });
    for (const e of [...events, { at: 1003, job: 'job1', kind: 'checks_in', robot: 'r1' } as const, { at: 1004, job: 'job3', kind: 'checks_out', robot: 'r1' } as const]) view.event(e);
    expect(text.split('\n').slice(3, 5)).toEqual(['[ 1003 ms] job1 checks in r1 after holding it 1002 ms', '[ 1004 ms] job3 checks out r1 after waiting 1002 ms']);
  });
});
