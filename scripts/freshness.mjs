// Whether the build's outputs are older than anything they are made from, so that
// `make run` and `make build` rebuild only after a change (a full build takes seconds).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the build writes; the stamp is touched last, after every other output is written. */
export const OUTPUTS = ['dist/resource-node.js', 'dist/index.js', 'dist/demo.js', 'dist/golden.js', 'dist/resource-run.js', 'dist/types/index.d.ts', 'src/generated/validators.js', 'src/generated/bodies.ts'];
export const STAMP = 'dist/.build-stamp';

/** What the build reads: folders (their own times change when a file is added or removed) and files. */
const INPUT_TREES = ['src', 'schemas', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];

/** Why the build must run in `root`, or undefined when its outputs are up to date. */
export function staleReason(root) {
  for (const out of [...OUTPUTS, STAMP]) if (!existsSync(join(root, out))) return `${out} is missing`;
  const built = statSync(join(root, STAMP)).mtimeMs;
  const newer = (path) => existsSync(join(root, path)) && statSync(join(root, path)).mtimeMs > built;
  for (const f of INPUT_FILES) if (newer(f)) return `${f} changed`;
  const walk = (dir) => {
    if (newer(dir)) return `${dir}/ changed`;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      // The generated sources are outputs, not inputs.
      if (path === 'src/generated') continue;
      const why = entry.isDirectory() ? walk(path) : newer(path) ? `${path} changed` : undefined;
      if (why !== undefined) return why;
    }
    return undefined;
  };
  for (const dir of INPUT_TREES) {
    if (!existsSync(join(root, dir))) continue;
    const why = walk(dir);
    if (why !== undefined) return why;
  }
  return undefined;
}
