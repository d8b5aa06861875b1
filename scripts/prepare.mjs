// npm's `prepare`: build, so that a git or folder install of this package gets dist/.
// npm installs the build tools (devDependencies) before `prepare` for a git install and in
// this repository, but not in a folder installed by path: there they are installed first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { staleReason } from './freshness.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });

if (staleReason(root) !== undefined) {
  if (existsSync(`${root}node_modules/esbuild`) && existsSync(`${root}node_modules/typescript`)) {
    run([`${root}scripts/build.mjs`]);
  } else if (process.env.RESOURCE_NODE_PREPARING === undefined) {
    // `npm ci` runs this script again once the tools are in; the variable stops a loop.
    process.env.RESOURCE_NODE_PREPARING = '1';
    const npm = process.env.npm_execpath;
    if (npm === undefined || !existsSync(npm)) throw new Error('no build tools and no npm to install them: run `npm ci` in this folder, then `npm run build`');
    run([npm, 'ci', '--no-audit', '--no-fund']);
    if (staleReason(root) !== undefined) run([`${root}scripts/build.mjs`]);
  } else {
    throw new Error('npm ci did not install the build tools (esbuild, typescript)');
  }
}
