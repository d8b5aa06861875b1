// The build: schemas -> validators and body types, then one bundled file per program.
// `node scripts/build.mjs` is all `make build` does; it does nothing when the outputs are
// newer than every source (`--force` builds anyway). npm runs it as `prepare` too.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { STAMP, staleReason } from './freshness.mjs';

const root = new URL('..', import.meta.url).pathname;
if (!process.argv.includes('--force') && staleReason(root) === undefined) process.exit(0);
// Imported only when building, so an up-to-date check costs no esbuild start-up.
const esbuild = await import('esbuild');
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

execFileSync(process.execPath, [`${root}scripts/gen-validators.mjs`], { stdio: 'inherit' });

const programs = {
  'resource-node': 'src/cli/main.ts',
  index: 'src/index.ts',
  demo: 'src/demo/main.ts',
  golden: 'src/golden/cli.ts',
  'resource-run': 'src/run/main.ts',
  // --http's edge, a file of its own: the node imports it only with the flag, so a start without it parses none of it.
  http: 'src/adapters/http.ts',
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(Object.entries(programs).map(([out, src]) => [out, src])),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(version) },
  // Loaded from node_modules only by the flags that need them (prom-client with --http, etcd3 with
  // --etcd, better-sqlite3, native and optional, with --state-dir): bundled, every start would parse them.
  external: ['prom-client', 'etcd3', 'better-sqlite3'],
});

// Type declarations for the library export; also the strict type check of everything. Those of
// a moved or deleted source would otherwise stay behind and be packed.
rmSync(`${root}dist/types`, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', root, '--emitDeclarationOnly'], { stdio: 'inherit' });
// Written last: a build that failed part-way leaves the old stamp, so the next one runs again.
writeFileSync(`${root}${STAMP}`, `${new Date().toISOString()}\n`);
