import { escapeRegExp, isPlainObject } from './pattern.js';

/** Values captured from earlier replies, by name; `{{name}}` in a later step uses one. */
export type Variables = ReadonlyMap<string, unknown>;

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;
const WHOLE = /^\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}$/;

/**
 * Replaces `{{name}}` in every string inside `value`. A string that is nothing but one
 * placeholder becomes the captured value itself (so a captured number stays a number);
 * elsewhere the value is spliced in as text. In `pattern` mode spliced text is escaped,
 * because pattern strings are regular expressions and an id must match only itself.
 */
export function substitute(value: unknown, vars: Variables, mode: 'send' | 'pattern'): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const v = lookup(vars, whole[1]!);
      return typeof v === 'string' && mode === 'pattern' ? escapeRegExp(v) : v;
    }
    return value.replace(PLACEHOLDER, (_, name: string) => {
      const v = lookup(vars, name);
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return mode === 'pattern' ? escapeRegExp(text) : text;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, mode));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars, mode);
    return out;
  }
  return value;
}

/** Every placeholder name used anywhere inside `value`. */
export function placeholders(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) into.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) placeholders(v, into);
  } else if (isPlainObject(value)) {
    for (const v of Object.values(value)) placeholders(v, into);
  }
  return into;
}

function lookup(vars: Variables, name: string): unknown {
  if (!vars.has(name)) throw new Error(`{{${name}}} is used before any step captured it`);
  return vars.get(name);
}
