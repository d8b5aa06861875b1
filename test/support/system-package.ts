// A test that needs a system package (Debian's chromium, etcd-server) is skipped when the package
// is missing on a laptop, and fails when RESOURCE_NODE_CI=1 (set by .ci/run, which installs them).
import { existsSync } from 'node:fs';

export interface SystemPackage {
  /** The first of the candidate paths that exists, or undefined. */
  readonly path: string | undefined;
  /** What to say when it is missing: the package and how to install it. */
  readonly missing: string;
  /** True when tests needing it should be skipped: missing, and not under CI. */
  readonly skip: boolean;
}

export const UNDER_CI = process.env.RESOURCE_NODE_CI === '1';

export function systemPackage(name: string, candidates: readonly string[]): SystemPackage {
  const path = candidates.find((p) => existsSync(p));
  const missing = `${name} is not installed (looked for ${candidates.join(', ')}); install it with: apt-get install -y ${name}`;
  if (path === undefined && !UNDER_CI) process.stderr.write(`skipped: tests that need ${name}: ${missing}\n`);
  return { path, missing, skip: path === undefined && !UNDER_CI };
}
