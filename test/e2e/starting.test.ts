import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module of the build
import { OUTPUTS, STAMP, staleReason } from '../../scripts/freshness.mjs';
import { BIN, runNode } from './spawn.js';

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'starting-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const stale = staleReason as (root: string) => string | undefined;

describe('a clone that was never built', () => {
  it('bin/resource-node and bin/golden say to build first, not a module-not-found stack', () => {
    const clone = join(work, 'clone');
    cpSync(join(root, 'bin'), join(clone, 'bin'), { recursive: true });
    cpSync(join(root, 'package.json'), join(clone, 'package.json'));
    for (const program of ['resource-node', 'golden']) {
      const r = spawnSync(process.execPath, [join(clone, 'bin', program), '--version'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`${program}: not built yet (no dist/${program}.js): run \`make build\` first (or \`npm run build\`)\n`);
    }
  });
});

describe('the build runs only when a source changed', () => {
  const tree = join(work, 'tree');
  const at = (path: string, seconds: number): void => utimesSync(join(tree, path), seconds, seconds);
  const write = (path: string, seconds: number): void => {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), '');
    at(path, seconds);
  };

  it('is fresh when every output is newer than every input, and names what changed otherwise', () => {
    for (const f of ['src/a.ts', 'src/sub/b.ts', 'schemas/x.json', 'scripts/build.mjs', 'package.json']) write(f, 1000);
    for (const d of ['src/sub', 'src', 'schemas', 'scripts']) at(d, 1000);
    for (const f of OUTPUTS as string[]) write(f, 3000);
    // The generated sources live under src/ but are outputs: their folder's time does not count.
    at('src/generated', 3000);
    at('src', 1000);
    expect(stale(tree)).toBe(`${STAMP} is missing`);
    write(STAMP, 2000);
    expect(stale(tree)).toBeUndefined();
    at('src/sub/b.ts', 2500);
    expect(stale(tree)).toBe('src/sub/b.ts changed');
    at('src/sub/b.ts', 1000);
    at('package.json', 2500);
    expect(stale(tree)).toBe('package.json changed');
    at('package.json', 1000);
    // A removed source changes only its folder's time.
    at('src/sub', 2500);
    expect(stale(tree)).toBe('src/sub/ changed');
    at('src/sub', 1000);
    rmSync(join(tree, 'dist/index.js'));
    expect(stale(tree)).toBe('dist/index.js is missing');
  });

  it('so a second build of an unchanged tree does nothing', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(stale(root)).toBeUndefined();
  });
});

describe('ready for input', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)('on a terminal, the node says on stderr that it is waiting for input', () => {
    // `script` gives the node a terminal for stdin and output; closing its input is Ctrl-D.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN}`, '/dev/null'], { input: '', encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('resource-node: ready; one JSON message per line (Ctrl-D to end)');
  });

  it('on a pipe, it says nothing', async () => {
    const r = await runNode('');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
