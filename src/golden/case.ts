import { checkPatternSyntax, isPlainObject } from './pattern.js';
import { RULES } from './rules.js';
import { placeholders, substitute } from './variables.js';

/** One reply a step waits for. `dest`/`src` are patterns for the envelope; `body` for its body. */
export interface Expectation {
  /** Absent in a plain body pattern: then the reply must go to the sender of the step's message. */
  readonly dest?: unknown;
  readonly src?: unknown;
  readonly body: unknown;
}

/** One line sent to the node and the replies it must cause, in order. */
export interface Step {
  /** An envelope object, or a raw string sent as the line itself. */
  readonly send: unknown;
  readonly expect: readonly Expectation[];
  /** Variable name -> pointer "/N/..." into the body of this step's reply N. */
  readonly capture: ReadonlyMap<string, string>;
}

/** A harness case: a fresh node, given flags, driven step by step. */
export interface HarnessCase {
  readonly name: string;
  /** What the case shows, in a sentence; quoted when it fails. */
  readonly description?: string;
  /** Names of the rules in RULES that the case checks; quoted when it fails. */
  readonly rules: readonly string[];
  readonly timeoutMs: number;
  readonly args: readonly string[];
  readonly steps: readonly Step[];
}

export const DEFAULT_TIMEOUT_MS = 5000;

const CASE_KEYS = new Set(['name', 'description', 'rules', 'timeout_ms', 'args', 'steps']);
const STEP_KEYS = new Set(['send', 'expect', 'capture', 'note']);
const ENVELOPE_KEYS = new Set(['src', 'dest', 'body']);

/** Checks a parsed case file and turns it into a case; throws an Error naming what is wrong. */
export function parseCase(value: unknown, fallbackName: string): HarnessCase {
  if (!isPlainObject(value)) throw new Error('a case must be a JSON object');
  for (const k of Object.keys(value)) if (!CASE_KEYS.has(k)) throw new Error(`unknown case field "${k}"`);
  const name = value.name ?? fallbackName;
  if (typeof name !== 'string' || name === '') throw new Error('"name" must be a non-empty string');
  const timeoutMs = value.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) < 1) throw new Error('"timeout_ms" must be a positive integer');
  const args = value.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error('"args" must be an array of strings');
  if (value.description !== undefined && typeof value.description !== 'string') throw new Error('"description" must be a string');
  const rules = value.rules ?? [];
  if (!Array.isArray(rules) || !rules.every((r) => typeof r === 'string')) throw new Error('"rules" must be an array of rule names');
  for (const r of rules) if (!Object.hasOwn(RULES, r)) throw new Error(`unknown rule "${r}" (known: ${Object.keys(RULES).join(', ')})`);
  if (!Array.isArray(value.steps) || value.steps.length === 0) throw new Error('"steps" must be a non-empty array');
  const captured = new Set<string>();
  const steps = value.steps.map((s, i) => {
    try {
      return parseStep(s, captured);
    } catch (e) {
      throw new Error(`step ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { name, ...(value.description === undefined ? {} : { description: value.description as string }), rules, timeoutMs: timeoutMs as number, args, steps };
}

function parseStep(value: unknown, captured: Set<string>): Step {
  if (!isPlainObject(value)) throw new Error('a step must be a JSON object');
  for (const k of Object.keys(value)) if (!STEP_KEYS.has(k)) throw new Error(`unknown step field "${k}"`);
  const { send } = value;
  if (typeof send !== 'string' && !isPlainObject(send)) throw new Error('"send" must be an envelope object or a string');
  if (!Array.isArray(value.expect)) throw new Error('"expect" must be an array (empty when no reply is due)');
  const expect = value.expect.map((item, i) => {
    const e = toExpectation(item);
    if (e.dest === undefined && !(isPlainObject(send) && typeof send.src === 'string')) {
      throw new Error(`expect[${i}]: give a "dest" pattern, because the sent message has no string "src" to reply to`);
    }
    return e;
  });
  // Placeholders must name variables captured by earlier steps; patterns must compile.
  for (const name of placeholders([send, value.expect])) {
    if (!captured.has(name)) throw new Error(`{{${name}}} is used before any step captured it`);
  }
  const dummy = new Map([...captured].map((n) => [n, 'x']));
  expect.forEach((e, i) => {
    for (const part of ['src', 'dest', 'body'] as const) {
      if (e[part] !== undefined) checkPatternSyntax(substitute(e[part], dummy, 'pattern'), `expect[${i}] ${part} `);
    }
  });
  const capture = new Map<string, string>();
  if (value.capture !== undefined) {
    if (!isPlainObject(value.capture)) throw new Error('"capture" must be an object of name: "/N/pointer"');
    for (const [name, ptr] of Object.entries(value.capture)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`capture name "${name}" must be letters, digits and _`);
      const m = typeof ptr === 'string' ? /^\/(0|[1-9][0-9]*)(\/.*)?$/.exec(ptr) : null;
      if (!m) throw new Error(`capture "${name}" must be a pointer "/N/field" (N: which reply of this step)`);
      if (Number(m[1]) >= expect.length) throw new Error(`capture "${name}" reads reply ${m[1]}, but the step expects ${expect.length}`);
      capture.set(name, ptr as string);
      captured.add(name);
    }
  }
  return { send, expect, capture };
}

/** An item of `expect` is an envelope pattern when it has `body` and only envelope keys; else a body pattern. */
function toExpectation(item: unknown): Expectation {
  if (isPlainObject(item) && Object.hasOwn(item, 'body') && Object.keys(item).every((k) => ENVELOPE_KEYS.has(k))) {
    if (!isPlainObject(item.body)) throw new Error('an envelope pattern\'s "body" must be an object');
    return { dest: item.dest, src: item.src, body: item.body };
  }
  if (!isPlainObject(item)) throw new Error('each item of "expect" must be an object');
  return { body: item };
}
