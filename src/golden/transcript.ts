import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineDiff } from './diff.js';
import { commandLine, NodeProcess } from './node-process.js';
import { PASS, failed, stderrSection, type Outcome } from './outcome.js';

/** How long a transcript's node may take to answer everything and exit. */
export const TRANSCRIPT_TIMEOUT_MS = 10_000;
const STDERR_TAIL = 10;

export const INPUT = 'input.jsonl';
export const EXPECTED = 'expected.jsonl';
export const ARGS = 'args';

/**
 * Runs the transcript in `dir`: the node gets `--deterministic` plus the flags in `args`,
 * all of `input.jsonl`, then end of input; everything it writes to stdout must equal
 * `expected.jsonl` (line endings normalised). With `update`, a different or missing
 * expected file is rewritten from what the node wrote.
 */
export async function runTranscript(dir: string, node: string, options: { update?: boolean } = {}): Promise<Outcome> {
  const inputPath = join(dir, INPUT);
  const expectedPath = join(dir, EXPECTED);
  if (!existsSync(inputPath)) {
    return failed(existsSync(expectedPath) ? `${EXPECTED} has no ${INPUT} beside it (an orphan: delete it or add the input)` : `no ${INPUT}`);
  }
  if (!existsSync(expectedPath) && !options.update) return failed(`no ${EXPECTED}: run with --update to create it, then read it and check it by hand`);
  const argsPath = join(dir, ARGS);
  const args = existsSync(argsPath) ? readFileSync(argsPath, 'utf8').split(/\s+/).filter((w) => w !== '') : [];
  const proc = new NodeProcess(commandLine(node, ['--deterministic', ...args]));
  try {
    proc.write(readFileSync(inputPath, 'utf8'));
    proc.endInput();
    if (!(await proc.waitForExit(TRANSCRIPT_TIMEOUT_MS))) {
      return failed(`timed out after ${TRANSCRIPT_TIMEOUT_MS} ms: the node did not exit at end of input`, ...stderrSection(proc.stderrTail(STDERR_TAIL)));
    }
    if (proc.status !== 0) return failed(`the node ${proc.exit} (expected 0 at end of input)`, ...stderrSection(proc.stderrTail(STDERR_TAIL)));
    const actual = normalise(proc.stdout);
    const expected = existsSync(expectedPath) ? normalise(readFileSync(expectedPath, 'utf8')) : undefined;
    if (actual === expected) return PASS;
    if (options.update) {
      writeFileSync(expectedPath, actual);
      return { result: 'updated' };
    }
    return failed(`stdout differs from ${EXPECTED} (- expected, + actual):`, ...lineDiff(expected ?? '', actual).map((l) => `  ${l}`), ...stderrSection(proc.stderrTail(STDERR_TAIL)));
  } finally {
    await proc.kill();
  }
}

function normalise(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
