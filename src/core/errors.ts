/** Why the core refused a call, in its own words: protocol/errors.ts alone turns a kind into a wire code. */
export type ErrorKind =
  /** The input breaks a rule of its own (an amount with 4 decimals, an unknown type). */
  | 'invalid'
  /** A limit on what the core keeps was reached; nothing changed. */
  | 'limit'
  /** No such allocation, request, category or job. */
  | 'unknown'
  /** The current state, or who asks, forbids it. */
  | 'conflict';

/** An input named in an error's text by its name in the core's API; each edge words it for its callers (`leaseMs`, `lease_ms`). */
export class InputName {
  constructor(readonly name: string) {}
}

/** An error's text: plain parts, and the inputs it names. */
export type Words = readonly (string | InputName)[];

/** Words from a template literal: `` words`give ${input('leaseMs')} to start one` ``. */
export function words(strings: TemplateStringsArray, ...values: unknown[]): Words {
  const out: (string | InputName)[] = [strings[0]!];
  values.forEach((v, i) => out.push(v instanceof InputName ? v : String(v), strings[i + 1]!));
  return out;
}

export const input = (name: string): InputName => new InputName(name);

/** The text of `w`, each named input worded by `wordFor`. */
export function render(w: Words, wordFor: (name: string) => string): string {
  let text = '';
  for (const part of w) text += typeof part === 'string' ? part : wordFor(part.name);
  return text;
}

/** A refusal by the core; nothing was changed. */
export class CoreError extends Error {
  readonly words: Words;
  constructor(
    readonly kind: ErrorKind,
    text: string | Words,
  ) {
    const w = typeof text === 'string' ? [text] : text;
    super(render(w, (name) => name));
    this.name = 'CoreError';
    this.words = w;
  }
}

/** Shorthand constructors keep call sites short and the kinds greppable. */
export const refuse = {
  invalid: (text: string | Words) => new CoreError('invalid', text),
  limit: (text: string | Words) => new CoreError('limit', text),
  unknown: (text: string | Words) => new CoreError('unknown', text),
  conflict: (text: string | Words) => new CoreError('conflict', text),
};
