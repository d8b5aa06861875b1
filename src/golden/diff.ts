/** Lines of context shown around each change. */
const CONTEXT = 2;
/** Beyond this many lines on each side, show only the first differing line (the table is quadratic). */
const MAX_LINES = 3000;
const MAX_OUTPUT = 60;

/**
 * A readable line diff of expected against actual: `-` lines only expected, `+` lines
 * only actual, two lines of context, each hunk headed by its line numbers.
 */
export function lineDiff(expected: string, actual: string): string[] {
  const a = splitLines(expected);
  const b = splitLines(actual);
  if (a.length > MAX_LINES || b.length > MAX_LINES) return firstDifference(a, b);
  const ops = editScript(a, b);
  const out: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - CONTEXT);
    while (start > 0 && ops[start - 1]!.kind !== ' ') start--;
    let end = i;
    // Extend the hunk while changes are close enough that their context would touch.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== ' ') end = j;
      else if (j - end > CONTEXT * 2) break;
    }
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    out.push(`@@ expected line ${ops[start]!.a + 1}, actual line ${ops[start]!.b + 1} @@`);
    for (let k = start; k < stop; k++) out.push(`${ops[k]!.kind} ${ops[k]!.text}`);
    i = stop;
  }
  if (out.length > MAX_OUTPUT) return [...out.slice(0, MAX_OUTPUT), `... ${out.length - MAX_OUTPUT} more diff lines`];
  return out;
}

interface Op {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Index of the next expected / actual line at this point. */
  readonly a: number;
  readonly b: number;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  // Longest common subsequence lengths of every pair of suffixes.
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++]!, a: i - 1, b: j++ });
    // Removals before additions, as diff tools show them.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', text: a[i++]!, a: i - 1, b: j });
    else ops.push({ kind: '+', text: b[j++]!, a: i, b: j - 1 });
  }
  return ops;
}

function firstDifference(a: readonly string[], b: readonly string[]): string[] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [`first difference at line ${i + 1}:`, `- ${a[i] ?? '(end of file)'}`, `+ ${b[i] ?? '(end of file)'}`];
}

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += '  (no newline at end)';
  return lines;
}
