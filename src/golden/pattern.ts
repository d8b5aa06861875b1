/**
 * Body patterns: how a harness case says what a reply must look like. Objects must have
 * exactly the pattern's keys, arrays the pattern's length, numbers, booleans and null must
 * be equal, and every string in a pattern is a regular expression the whole actual string
 * must match (so `".*"` accepts any allocation id).
 */

/** Where a reply differs from its pattern: a JSON pointer into the compared value, and both sides. */
export interface Mismatch {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

/** Compares `actual` with `pattern`; returns the first difference, or undefined when it matches. */
export function matchPattern(pattern: unknown, actual: unknown, path = ''): Mismatch | undefined {
  if (typeof pattern === 'string') {
    if (typeof actual !== 'string') return differ(path, `a string matching /${pattern}/`, actual);
    return fullMatch(pattern).test(actual) ? undefined : differ(path, `a string matching /${pattern}/`, actual);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return differ(path, `an array of ${pattern.length}`, actual);
    if (actual.length !== pattern.length) return differ(path, `an array of ${pattern.length}`, actual);
    for (let i = 0; i < pattern.length; i++) {
      const m = matchPattern(pattern[i], actual[i], `${path}/${i}`);
      if (m) return m;
    }
    return undefined;
  }
  if (isPlainObject(pattern)) {
    if (!isPlainObject(actual)) return differ(path, 'an object', actual);
    // Values of shared keys first: a reply of the wrong type then says so, not "extra key".
    for (const key of Object.keys(pattern)) {
      if (!Object.hasOwn(actual, key)) continue;
      const m = matchPattern(pattern[key], actual[key], pointer(path, key));
      if (m) return m;
    }
    for (const key of Object.keys(pattern)) {
      if (!Object.hasOwn(actual, key)) return { path: pointer(path, key), expected: show(pattern[key]), actual: '(missing)' };
    }
    for (const key of Object.keys(actual)) {
      if (!Object.hasOwn(pattern, key)) return { path: pointer(path, key), expected: '(no such key)', actual: show(actual[key]) };
    }
    return undefined;
  }
  // Numbers, booleans and null: equal values only.
  return pattern === actual ? undefined : differ(path, show(pattern), actual);
}

/** Throws when some string in the pattern is not a valid regular expression; run before a case starts. */
export function checkPatternSyntax(pattern: unknown, path = ''): void {
  if (typeof pattern === 'string') {
    try {
      fullMatch(pattern);
    } catch (e) {
      throw new Error(`${path.trimEnd() || '/'}: ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`);
    }
  } else if (Array.isArray(pattern)) {
    pattern.forEach((p, i) => checkPatternSyntax(p, `${path}/${i}`));
  } else if (isPlainObject(pattern)) {
    for (const [k, v] of Object.entries(pattern)) checkPatternSyntax(v, pointer(path, k));
  }
}

const compiled = new Map<string, RegExp>();

/** The pattern as a regular expression anchored at both ends. */
export function fullMatch(source: string): RegExp {
  let re = compiled.get(source);
  if (re === undefined) {
    re = new RegExp(`^(?:${source})$`, 'u');
    compiled.set(source, re);
  }
  return re;
}

/** Escapes text so that, used as a pattern, it matches exactly itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Appends one key to a JSON pointer, escaping `~` and `/` as RFC 6901 says. */
export function pointer(path: string, key: string): string {
  return `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Reads the value a JSON pointer names, or undefined when there is none. */
export function resolvePointer(value: unknown, ptr: string): unknown {
  if (ptr === '') return value;
  if (!ptr.startsWith('/')) return undefined;
  let at: unknown = value;
  for (const raw of ptr.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = /^(0|[1-9][0-9]*)$/.test(key) ? at[Number(key)] : undefined;
    else if (isPlainObject(at) && Object.hasOwn(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

function differ(path: string, expected: string, actual: unknown): Mismatch {
  return { path, expected, actual: show(actual) };
}

function show(v: unknown): string {
  return v === undefined ? '(missing)' : JSON.stringify(v);
}
