/** What a candidate victim holds: units by type index, in parallel arrays. */
export interface Holding {
  readonly types: readonly number[];
  readonly units: readonly number[];
}

/**
 * The victims that make up a request's shortfall (docs/policies.md#preemption). `short[i]` is
 * what type `types[i]` lacks (0 or less: nothing). Candidates come in preemption order; each
 * is taken until nothing lacks, then a reverse pass (last taken first) drops every one the
 * others can do without. Undefined when even all of them would not do.
 */
export function chooseVictims<T extends Holding>(types: readonly number[], short: readonly number[], candidates: Iterable<T>): T[] | undefined {
  const left = short.slice();
  let lacking = 0;
  for (const l of left) if (l > 0) lacking++;
  if (lacking === 0) return [];
  const taken: T[] = [];
  const gives: number[][] = [];
  for (const c of candidates) {
    const give = unitsOf(c, types);
    // One that gives nothing still lacking would be dropped by the reverse pass: skip it now.
    if (!give.some((g, i) => g > 0 && left[i]! > 0)) continue;
    taken.push(c);
    gives.push(give);
    for (let i = 0; i < left.length; i++) {
      if (left[i]! > 0 && left[i]! - give[i]! <= 0) lacking--;
      left[i]! -= give[i]!;
    }
    if (lacking === 0) break;
  }
  if (lacking > 0) return undefined;
  // What the taken ones give beyond the shortfall, per type.
  const spare = left.map((l) => -l);
  const kept = new Array<boolean>(taken.length).fill(true);
  for (let k = taken.length - 1; k >= 0; k--) {
    const give = gives[k]!;
    if (give.every((g, i) => g <= spare[i]!)) {
      kept[k] = false;
      for (let i = 0; i < spare.length; i++) spare[i]! -= give[i]!;
    }
  }
  return taken.filter((_, k) => kept[k]);
}

/** Units `h` holds of each of `types`, in order (0 for a type it does not hold). */
export function unitsOf(h: Holding, types: readonly number[]): number[] {
  return types.map((t) => {
    const j = h.types.indexOf(t);
    return j < 0 ? 0 : h.units[j]!;
  });
}
