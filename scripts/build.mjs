// The build: schemas -> validators and body types, then one bundled file per program.
// `node scripts/build.mjs` is all `make build` does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

execFileSync(process.execPath, [`${root}scripts/gen-validators.mjs`], { stdio: 'inherit' });

const programs = {
  'resource-node': 'src/cli/main.ts',
  index: 'src/index.ts',
  demo: 'src/demo/main.ts',
  golden: 'src/golden/cli.ts',
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
});

// Type declarations for the library export; also the strict type check of everything.
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', root, '--emitDeclarationOnly'], { stdio: 'inherit' });
