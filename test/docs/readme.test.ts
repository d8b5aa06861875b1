import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/protocol/errors.js';
import { parseFlags } from '../../src/cli/flags.js';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, 'utf8');

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toMatch(/^\s+make run\b/m);
    expect(readme).toMatch(/^\s+make test\b/m);
  });

  it('shows a terminal session whose output is the real output', () => {
    const block = /<!-- session:[^\n]*-->\n```console\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const lines = block!.split('\n').filter((l) => l !== '');
    const command: string[] = [];
    let i = 0;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      command.push(i === 0 ? l.replace(/^\$ /, '') : l);
      if (!l.endsWith('\\')) break;
    }
    const expected = lines.slice(i + 1);
    const actual = execFileSync('sh', ['-c', command.join('\n')], { cwd: root, encoding: 'utf8' });
    expect(actual.split('\n').filter((l) => l !== '')).toEqual(expected);
  });

  it('documents every flag the node accepts, and each documented flag is accepted', () => {
    const documented = [...readme.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(documented).toEqual(expect.arrayContaining(['--capacity', '--pool', '--deterministic', '--policy', '--max-bypass', '--max-queue', '--max-line-bytes', '--admin', '--quota', '--weight', '--help']));
    const samples: Record<string, string[]> = {
      '--capacity': ['--capacity', 'cpu=1'],
      '--pool': ['--pool', 'robot=r1,r2'],
      '--deterministic': ['--deterministic'],
      '--policy': ['--policy', 'fifo'],
      '--max-bypass': ['--max-bypass', '3'],
      '--preemption': ['--preemption', 'lower-priority'],
      '--preemption-grace-ms': ['--preemption-grace-ms', '100'],
      '--max-queue': ['--max-queue', '3'],
      '--max-line-bytes': ['--max-line-bytes', '300'],
      '--max-jobs': ['--max-jobs', '3'],
      '--max-allocations': ['--max-allocations', '3'],
      '--shutdown-grace-ms': ['--shutdown-grace-ms', '10'],
      '--admin': ['--admin', 'ops'],
      '--quota': ['--quota', 'a=cpu:1'],
      '--weight': ['--weight', 'a=2'],
      '--state-dir': ['--state-dir', 'state'],
      '--help': ['--help'],
    };
    for (const flag of documented) expect(() => parseFlags(samples[flag]!), flag).not.toThrow();
  });
});

describe('docs/protocol.md', () => {
  const protocol = readFileSync(`${root}docs/protocol.md`, 'utf8');
  it('lists every error code of the error table, by number and name', () => {
    for (const [name, { code }] of Object.entries(ERRORS)) {
      expect(protocol).toMatch(new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, 'm'));
    }
  });

  it('has a library example that runs against the built bundle', async () => {
    const code = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // Type annotations aside, the example is plain JavaScript: run it with the bundle's exports.
    const lib = (await import(`${root}dist/index.js`)) as Record<string, unknown>;
    const body = code!.replace(/^import .*$/m, '');
    const run = new Function(...Object.keys(lib), `${body}\nreturn { node, manager, outcome };`) as (...args: unknown[]) => {
      node: { handle(line: string): string[] };
      manager: { allocationCount: number; waiting: number };
      outcome: { kind: string; allocation?: { id: string } };
    };
    const { manager, outcome } = run(...Object.values(lib));
    expect(outcome).toMatchObject({ kind: 'granted', allocation: { id: 'a1' } });
    expect(manager.allocationCount).toBe(0);
  });
});
