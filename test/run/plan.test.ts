import { describe, expect, it } from 'vitest';
import { parseJob } from '../../src/run/job.js';
import { plan, planText, shellWords } from '../../src/run/plan.js';

const shape = { capacity: { cpu: 4, robot: 2 }, free: { cpu: 4, robot: 2 }, members: { robot: ['r1', 'r2'] } };
const job = (name: string, requirements: object, extra = {}) => parseJob({ name, command: ['sh', '-c', "echo 'hi'"], requirements, ...extra }, name, 1);

describe('the plan', () => {
  it('takes the jobs in file order against what is free, and tells those that can never run', () => {
    const planned = plan([job('a', { cpu: 3 }), job('b', { cpu: 2 }), job('c', { cpu: 1, robot: 1 }), job('d', { cpu: 5 }), job('e', { tpu: 1 })], shape);
    expect(planned.map((p) => [p.job.name, p.fit])).toEqual([
      ['a', 'fits now'],
      ['b', 'waits'],
      ['c', 'fits now'],
      ['d', 'larger than capacity'],
      ['e', 'unknown type'],
    ]);
    expect(planned[3]!.why).toBe("it needs cpu 5, the node's whole capacity is 4");
    expect(planText(planned, shape).split('\n').slice(0, 5)).toEqual([
      'capacity: cpu 4, robot 2; members: robot r1,r2',
      '5 jobs, submitted at once in this order; those that wait start as others end, higher priority first:',
      '  a     fits now              cpu 3',
      `        $ sh -c 'echo '\\''hi'\\'''`,
      '  b     waits                 cpu 2',
    ]);
  });

  it('quotes a command as a shell needs it', () => {
    expect(shellWords(['make', '-j4', 'all'])).toBe('make -j4 all');
    expect(shellWords(['sh', '-c', 'a b'])).toBe("sh -c 'a b'");
  });
});
