import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const goldenDir = join(root, 'fixtures/golden');
const names = readdirSync(goldenDir).filter((n) => n.startsWith('pool-'));

describe('golden transcripts of member pools', () => {
  it('has the pool transcripts', () => {
    expect(names).toEqual(expect.arrayContaining(['pool-member-allocation', 'pool-release-regrant', 'pool-two-pools', 'pool-whole-numbers']));
  });

  for (const name of names) {
    it(name, () => {
      const dir = join(goldenDir, name);
      const args = readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/).filter((a) => a !== '');
      const r = spawnSync(process.execPath, [join(root, 'bin/resource-node'), '--deterministic', ...args], { input: readFileSync(join(dir, 'input.jsonl')), encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(dir, 'expected.jsonl'), 'utf8'));
    });
  }
});
