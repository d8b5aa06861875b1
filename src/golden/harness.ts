import type { Expectation, HarnessCase, Step } from './case.js';
import { commandLine, NodeProcess } from './node-process.js';
import { PASS, failed, stderrSection, type Outcome } from './outcome.js';
import { escapeRegExp, isPlainObject, matchPattern, resolvePointer, type Mismatch } from './pattern.js';
import { RULES } from './rules.js';
import { substitute } from './variables.js';

const STDERR_TAIL = 10;
/** After the last step the node's stdin is closed; this long is given to spot late extra replies. */
const EXIT_GRACE_MS = 2000;

/** Runs one harness case against a fresh node started by the shell command `node`. */
export async function runHarnessCase(c: HarnessCase, node: string): Promise<Outcome> {
  const proc = new NodeProcess(commandLine(node, c.args));
  let problem: string[] | undefined;
  try {
    problem = await drive(c, proc);
  } finally {
    // Ended before reporting, so the stderr tail holds everything the node wrote.
    await proc.kill();
  }
  if (problem === undefined) return PASS;
  return failed(...problem, ...aboutTheCase(c), ...stderrSection(proc.stderrTail(STDERR_TAIL)));
}

/** What the failed case shows and which rules it checks: the why behind the difference. */
function aboutTheCase(c: HarnessCase): string[] {
  const lines = c.description === undefined ? [] : [`case: ${c.description}`];
  for (const r of c.rules) lines.push(`rule checked: ${r}: ${RULES[r]}`);
  return lines;
}

/** Plays every step; returns the failure report lines, or undefined when all matched. */
async function drive(c: HarnessCase, proc: NodeProcess): Promise<string[] | undefined> {
  const vars = new Map<string, unknown>();
  for (let s = 0; s < c.steps.length; s++) {
    const step = c.steps[s]!;
    const extra = await proc.next(0);
    if ('line' in extra) return [`after step ${s}: a reply no step expected`, `  reply: ${extra.line}`];
    const sent = substitute(step.send, vars, 'send');
    const line = typeof sent === 'string' ? sent : JSON.stringify(sent);
    proc.write(`${line}\n`);
    const bodies: unknown[] = [];
    const deadline = Date.now() + c.timeoutMs;
    for (let r = 0; r < step.expect.length; r++) {
      const where = `step ${s + 1}, reply ${r + 1} of ${step.expect.length}`;
      const next = await proc.next(Math.max(0, deadline - Date.now()));
      if ('timeout' in next) {
        return [
          `${where}: timed out after ${c.timeoutMs} ms with no reply`,
          `  sent:     ${line}`,
          `  expected: ${expectedMessage(step.expect[r]!, sent, vars)}`,
          '  hint: does the node write each reply as one line and flush stdout at once (Python: print(json.dumps(msg), flush=True))?',
          // A second reply, or one to another client, is in practice the grant a release owes.
          ...(r > 0 || step.expect[r]!.dest !== undefined ? ['        and does a release grant the waiting requests that now fit, each by a message to its own client?'] : []),
        ];
      }
      if ('exited' in next) return [`${where}: the node ${next.exited} before replying`, `  sent:     ${line}`, `  expected: ${expectedMessage(step.expect[r]!, sent, vars)}`];
      const problem = check(step.expect[r]!, sent, next.line, vars);
      if (problem !== undefined) return [`${where}: ${problem}`, `  sent:  ${line}`, `  reply: ${next.line}`];
      bodies.push((JSON.parse(next.line) as { body: unknown }).body);
    }
    const missing = capture(step, bodies, vars);
    if (missing !== undefined) return [`step ${s + 1}: ${missing}`];
  }
  proc.endInput();
  await proc.waitForExit(Math.min(EXIT_GRACE_MS, c.timeoutMs));
  const late = await proc.next(0);
  if ('line' in late) return [`after the last step: a reply no step expected`, `  reply: ${late.line}`];
  return undefined;
}

/** Matches one reply line against its expectation; says what differs, or undefined. */
function check(e: Expectation, sent: unknown, line: string, vars: Map<string, unknown>): string | undefined {
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return 'the reply is not JSON';
  }
  if (!isPlainObject(reply)) return 'the reply is not a JSON object';
  if (!isPlainObject(reply.body)) return 'the reply has no "body" object';
  const expected = expectedEnvelope(e, sent, vars);
  const destMismatch = matchPattern(expected.dest, reply.dest);
  if (destMismatch) return describe('envelope "dest"', destMismatch);
  if (expected.src !== undefined) {
    const srcMismatch = matchPattern(expected.src, reply.src);
    if (srcMismatch) return describe('envelope "src"', srcMismatch);
  }
  const bodyMismatch = matchPattern(expected.body, withoutOwnMsgId(reply.body, expected.body));
  if (bodyMismatch) return describe(`body ${bodyMismatch.path || '(whole body)'}`, bodyMismatch);
  return undefined;
}

/**
 * The patterns one reply must match, placeholders filled in. Unless the case says
 * otherwise, a reply goes to the sender and comes from the name the message was sent to.
 */
function expectedEnvelope(e: Expectation, sent: unknown, vars: Map<string, unknown>): { dest: unknown; src: unknown; body: unknown } {
  const to = isPlainObject(sent) && typeof sent.dest === 'string' ? escapeRegExp(sent.dest) : undefined;
  const dest = e.dest ?? escapeRegExp((sent as { src: string }).src);
  return substitute({ dest, src: e.src ?? to, body: e.body }, vars, 'pattern') as { dest: unknown; src: unknown; body: unknown };
}

/** The reply that was due, as one line of patterns, for a report of its absence. */
function expectedMessage(e: Expectation, sent: unknown, vars: Map<string, unknown>): string {
  const { src, dest, body } = expectedEnvelope(e, sent, vars);
  return JSON.stringify(src === undefined ? { dest, body } : { src, dest, body });
}

/** A reply may carry its own msg_id (Maelstrom nodes number their messages): that is the sender's business. */
function withoutOwnMsgId(body: Record<string, unknown>, pattern: unknown): Record<string, unknown> {
  if (!Object.hasOwn(body, 'msg_id') || (isPlainObject(pattern) && Object.hasOwn(pattern, 'msg_id'))) return body;
  const { msg_id: _own, ...rest } = body;
  return rest;
}

function describe(what: string, m: Mismatch): string {
  return `${what} differs\n    expected: ${m.expected}\n    actual:   ${m.actual}`;
}

/** Stores this step's captures; says which one found nothing. */
function capture(step: Step, bodies: readonly unknown[], vars: Map<string, unknown>): string | undefined {
  for (const [name, ptr] of step.capture) {
    const m = /^\/(0|[1-9][0-9]*)(\/.*)?$/.exec(ptr)!;
    const value = resolvePointer(bodies[Number(m[1])], m[2] ?? '');
    if (value === undefined) return `capture "${name}": reply ${Number(m[1]) + 1} has nothing at ${m[2] ?? '/'}`;
    vars.set(name, value);
  }
  return undefined;
}
