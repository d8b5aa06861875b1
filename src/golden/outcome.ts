/** How one fixture went: passed, rewritten by --update, or failed with lines that say why. */
export type Outcome = { readonly result: 'pass' } | { readonly result: 'updated' } | { readonly result: 'fail'; readonly details: readonly string[] };

export const PASS: Outcome = { result: 'pass' };

/** A failed outcome with its explanation lines. */
export function failed(...details: string[]): Outcome {
  return { result: 'fail', details };
}

/** The node's stderr tail, indented, for a failure report. */
export function stderrSection(tail: readonly string[]): string[] {
  if (tail.length === 0) return ['node stderr: (empty)'];
  return [`node stderr (last ${tail.length} lines):`, ...tail.map((l) => `  | ${l}`)];
}
