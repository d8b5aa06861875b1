import { createRequire } from 'node:module';
import { describe } from 'vitest';

/** Whether better-sqlite3, the optional package behind --state-dir, could be installed here. */
function sqliteLoads(): boolean {
  try {
    createRequire(import.meta.url)('better-sqlite3');
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for suites that need --state-dir: skipped with a message where the optional package
 * could not be installed, but failing under RESOURCE_NODE_CI=1, where it must be.
 */
export function describeStateDir(name: string, suite: () => void): void {
  if (sqliteLoads()) return void describe(name, suite);
  if (process.env.RESOURCE_NODE_CI === '1') throw new Error('better-sqlite3 (the optional package behind --state-dir) is not installed: npm ci could not build it');
  process.stderr.write(`skipped "${name}": better-sqlite3 (the optional package behind --state-dir) is not installed here\n`);
  describe.skip(name, suite);
}
