import { describe, expect, it } from 'vitest';
import { JobErrors, checkUniqueNames, parseJob, parseJobLines } from '../../src/run/job.js';

const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof JobErrors) return e.problems.map((p) => p.message);
    if (e instanceof Error) return [e.message];
  }
  return [];
};

describe('jobs', () => {
  it('takes the fields of a job, requirements as the node takes them or as an object', () => {
    expect(parseJob({ name: 'train', command: ['python', 'train.py'], requirements: [{ type: 'gpu', amount: 1 }], priority: 2, timeout_ms: 60000, lease_ms: 30000 }, 'f:1', 1)).toEqual({
      name: 'train',
      command: ['python', 'train.py'],
      requirements: [{ type: 'gpu', amount: 1 }],
      priority: 2,
      timeoutMs: 60000,
      leaseMs: 30000,
      where: 'f:1',
    });
    expect(parseJob({ command: ['make'], requirements: { cpu: 2, memory: 0.5 } }, 'f:2', 7)).toMatchObject({ name: 'job7', requirements: [{ type: 'cpu', amount: 2 }, { type: 'memory', amount: 0.5 }] });
  });

  it('names each bad line by its number; blank lines and # comments are skipped', () => {
    const text = ['# jobs', '', '{"command":["true"],"requirements":{"cpu":1}}', '{"command":[],"requirements":{"cpu":1}}', '[1]', '{"command":["x"],"requirements":{"cpu":1.0005}}'].join('\n');
    expect(problems(() => parseJobLines(text, 'jobs.jsonl'))).toEqual([
      'jobs.jsonl:4: command must be a non-empty array of strings, like ["sh", "-c", "make test"]',
      'jobs.jsonl:5: a job must be a JSON object like {"name":"build","command":["make"],"requirements":[{"type":"cpu","amount":1}]}',
      'jobs.jsonl:6: requirements.cpu must have at most 3 decimal places',
    ]);
  });

  it('refuses what the node or a process could not take', () => {
    const bad = (job: object) => problems(() => parseJob(job, 'j', 1))[0];
    const base = { command: ['true'], requirements: { cpu: 1 } };
    expect(bad({ ...base, name: 'has space' })).toMatch(/^j: name must be 1 to 64 letters/);
    expect(bad({ ...base, command: ['ok', 3] })).toBe('j: command[1] must be a string');
    expect(bad({ ...base, requirements: [] })).toBe('j: requirements must name at least one resource');
    expect(bad({ ...base, requirements: [{ type: 'cpu', amount: 1 }, { type: 'cpu', amount: 2 }] })).toBe('j: requirements name "cpu" twice');
    expect(bad({ ...base, requirements: [{ type: 'cpu', amount: 1, extra: 1 }] })).toBe('j: requirements[0] has an unknown field "extra"');
    expect(bad({ ...base, timeout_ms: 0 })).toBe('j: timeout_ms must be a whole number from 1 to 2147483647, got 0');
    expect(bad({ ...base, priority: 1.5 })).toBe('j: priority must be a whole number from -1000000 to 1000000, got 1.5');
    expect(bad({ ...base, requirements: { __proto__: 1 } })).toBe('j: requirements must name at least one resource');
  });

  it('wants unique names, and says where each was first used', () => {
    const jobs = parseJobLines('{"name":"a","command":["true"],"requirements":{"cpu":1}}\n{"name":"a","command":["true"],"requirements":{"cpu":1}}\n', 'f');
    expect(problems(() => checkUniqueNames(jobs))).toEqual(['f:2: the name "a" is taken by the job at f:1; names must be unique']);
  });
});
