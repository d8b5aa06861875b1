import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseCase } from './case.js';
import type { Fixture } from './discover.js';
import { runHarnessCase } from './harness.js';
import { failed, type Outcome } from './outcome.js';
import { runTranscript } from './transcript.js';

/** A fixture's short label: its folder and file name, e.g. `harness/release-round-trip`. */
export function label(f: Fixture): string {
  const base = basename(f.path).replace(/\.json$/, '');
  return `${basename(dirname(f.path))}/${base}`;
}

/** Runs any fixture against the node command; a case file that cannot be read fails with the reason. */
export async function runFixture(f: Fixture, node: string, options: { update?: boolean; timeoutMs?: number } = {}): Promise<{ label: string; name?: string; outcome: Outcome }> {
  if (f.kind === 'transcript') return { label: label(f), outcome: await runTranscript(f.path, node, options) };
  let c;
  try {
    c = parseCase(JSON.parse(readFileSync(f.path, 'utf8')), basename(f.path, '.json'));
  } catch (e) {
    return { label: label(f), outcome: failed(`bad case file: ${(e as Error).message}`) };
  }
  // --timeout replaces every case's own timeout_ms, so a node that misses replies fails fast.
  if (options.timeoutMs !== undefined) c = { ...c, timeoutMs: options.timeoutMs };
  return { label: label(f), name: c.name, outcome: await runHarnessCase(c, node) };
}
