/**
 * Text for a stderr line with control characters escaped (`\x1b`, `\r`, `\u2028`...), so
 * input quoted in a log line cannot move the cursor, recolour a terminal or forge a line.
 * With `keepNewlines`, `\n` stays (a stack trace keeps its shape).
 */
export function printable(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n' && keepNewlines) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Longest user text quoted whole into a reply's error text. */
const QUOTED = 64;

/** `s` as JSON text, cut to its first characters (with its length said) when long. */
export function quoteShort(s: string): string {
  return s.length <= QUOTED ? JSON.stringify(s) : `${JSON.stringify(s.slice(0, QUOTED))}... (${s.length} characters)`;
}
