/** The known name a mistyped one most likely meant: the same but for case, `-` for `_`, or a small edit; else undefined. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/-/g, '_');
  const n = norm(name);
  const exact = known.find((k) => norm(k) === n);
  if (exact !== undefined) return exact;
  // One edit in a short name, two in a longer one: closer than that is a different word.
  const allowed = n.length < 6 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const k of known) {
    // Lengths further apart than the edits allowed cannot match: no need to compare.
    if (Math.abs(k.length - n.length) > allowed) continue;
    const d = editDistance(n, norm(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance: inserts, deletes and substitutions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
