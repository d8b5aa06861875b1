import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'install-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installed as a dependency of another project', () => {
  it('builds on install from git or a folder: npm runs `prepare` there, which builds', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string>; files: string[] };
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.mjs');
    expect(readFileSync(`${root}scripts/prepare.mjs`, 'utf8')).toContain('scripts/build.mjs');
    expect(pkg.files).toContain('dist');
  });

  it('the packed package holds dist/, and both its program and its import work', () => {
    const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
    // npm pack runs `prepare`, which builds only if a source changed since the last build.
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // Its dependencies are in npm's cache once this project has been installed. The optional
    // one behind --state-dir is left out: where no prebuilt binary can be fetched it compiles for minutes.
    execFileSync('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', join(work, packed)], { cwd: app, stdio: 'ignore' });

    const bin = spawnSync(join(app, 'node_modules/.bin/resource-node'), ['--version'], { encoding: 'utf8' });
    expect(bin.stdout).toBe(`resource-node ${version}\n`);
    const use = [
      "import { ResourceNode } from 'resource-node';",
      'const node = new ResourceNode({ deterministic: true });',
      'console.log(node.handle(process.argv[1]).join("\\n"));',
    ].join('\n');
    const line = '{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"gpu","amount":1}]}}';
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', use, line], { cwd: app, encoding: 'utf8' });
    expect(out).toBe('{"src":"n1","dest":"c1","body":{"type":"allocated","in_reply_to":1,"allocation_id":"alloc-1","resources":{"gpu":1}}}\n');
  }, 60_000);
});
