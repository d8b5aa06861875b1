/** The texts of 0..999, and the same padded to three digits; made when first needed. */
let low: readonly string[] = [];
let lowPadded: readonly string[] = [];

/**
 * An id source counting `a1`, `a2`, ...: the manager's ids when it is given none.
 *
 * Not `a${n}`: V8 formats a decimal number through its number-to-string cache, which keeps
 * the text of each of the last several thousand numbers alive through a collection or two,
 * and in the saturated-pool benchmark that cost about a seventh of each allocate/release
 * cycle. Here only the thousands are formatted (JSON.stringify does not use the cache), once
 * per thousand ids, and the last three digits come from a table.
 */
export function countingIds(prefix = 'a'): () => string {
  if (low.length === 0) {
    low = Array.from({ length: 1000 }, (_, i) => String(i));
    lowPadded = low.map((t) => t.padStart(3, '0'));
  }
  let n = 0;
  let thousands = 0;
  let head = prefix;
  return () => {
    n++;
    const t = Math.floor(n / 1000);
    if (t === 0) return head + low[n]!;
    if (t !== thousands) {
      thousands = t;
      head = prefix + JSON.stringify(t);
    }
    return head + lowPadded[n - t * 1000]!;
  };
}
