import { amountProblem } from '../core/ledger/amounts.js';

/** One requirement as the node's allocate takes it. */
export interface Requirement {
  readonly type: string;
  readonly amount: number;
}

/** A command to run once the node grants its requirements. */
export interface JobSpec {
  readonly name: string;
  /** argv: run as is, never through a shell (write `["sh", "-c", "..."]` for one). */
  readonly command: readonly string[];
  readonly requirements: readonly Requirement[];
  readonly priority?: number;
  /** Longest run, from the start of the process; then it is stopped. */
  readonly timeoutMs?: number;
  /** The allocation's lease: renewed while the process runs; if it expires, the process is stopped. */
  readonly leaseMs?: number;
  /** Where it was written (`jobs.jsonl:3`, `--job 2`), for messages. */
  readonly where?: string;
}

/** A job description that cannot be run; `where` is `file:line` or `--job N`. */
export class JobError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}

const FIELDS = ['name', 'command', 'requirements', 'priority', 'timeout_ms', 'lease_ms'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:+@-]{0,63}$/;
const MAX_MS = 2_147_483_647;

/** Reads jobs from JSON lines; blank lines and lines starting with `#` are skipped. Throws every problem found, one per line. */
export function parseJobLines(text: string, file: string, firstIndex = 1): JobSpec[] {
  const jobs: JobSpec[] = [];
  const problems: JobError[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    try {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new JobError(where, `not JSON (${(e as Error).message})`);
      }
      jobs.push(parseJob(value, where, firstIndex + jobs.length));
    } catch (e) {
      if (!(e instanceof JobError)) throw e;
      problems.push(e);
    }
  });
  if (problems.length > 0) throw new JobErrors(problems);
  return jobs;
}

/** Several problems, each with its place; the message lists them one per line. */
export class JobErrors extends Error {
  constructor(readonly problems: readonly JobError[]) {
    super(problems.map((p) => p.message).join('\n'));
  }
}

/** Checks one job object; `index` names a job without a name (`job3`). */
export function parseJob(value: unknown, where: string, index: number): JobSpec {
  const fail = (message: string): never => {
    throw new JobError(where, message);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a job must be a JSON object like {"name":"build","command":["make"],"requirements":[{"type":"cpu","amount":1}]}');
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) fail(`unknown field ${JSON.stringify(unknown[0])} (a job has ${FIELDS.join(', ')})`);

  const name = o.name === undefined ? `job${index}` : o.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail(`name must be 1 to 64 letters, digits or . _ : + @ - (starting with a letter or digit), got ${JSON.stringify(o.name)}`);

  const command = o.command;
  if (!Array.isArray(command) || command.length === 0) fail('command must be a non-empty array of strings, like ["sh", "-c", "make test"]');
  (command as unknown[]).forEach((arg, i) => {
    if (typeof arg !== 'string') fail(`command[${i}] must be a string`);
    if ((arg as string).includes('\0')) fail(`command[${i}] contains a NUL character`);
  });
  if ((command as string[])[0] === '') fail('command[0] must name a program');

  const requirements = parseRequirements(o.requirements, fail);
  const integer = (field: string, min: number, max: number): number | undefined => {
    const v = o[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const priority = integer('priority', -1_000_000, 1_000_000);
  const timeoutMs = integer('timeout_ms', 1, MAX_MS);
  const leaseMs = integer('lease_ms', 1, MAX_MS);
  return {
    name: name as string,
    command: command as string[],
    requirements,
    ...(priority === undefined ? {} : { priority }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(leaseMs === undefined ? {} : { leaseMs }),
    where,
  };
}

/** `[{"type":"gpu","amount":1}]` as the node takes it, or the shorthand `{"gpu":1}`. */
function parseRequirements(v: unknown, fail: (message: string) => never): Requirement[] {
  const list: [string, unknown, string][] = [];
  if (Array.isArray(v)) {
    v.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(`requirements[${i}] must be an object like {"type":"cpu","amount":1}`);
      const { type, amount, ...rest } = r as Record<string, unknown>;
      if (Object.keys(rest).length > 0) fail(`requirements[${i}] has an unknown field ${JSON.stringify(Object.keys(rest)[0])}`);
      if (typeof type !== 'string' || type === '' || type.length > 256) fail(`requirements[${i}].type must be a resource type name`);
      list.push([type as string, amount, `requirements[${i}].amount`]);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [type, amount] of Object.entries(v)) list.push([type, amount, `requirements.${type}`]);
  } else {
    fail('requirements must be a list like [{"type":"cpu","amount":1}] or an object like {"cpu":1}');
  }
  if (list.length === 0) fail('requirements must name at least one resource');
  if (list.length > 64) fail('requirements may name at most 64 resources');
  const seen = new Set<string>();
  return list.map(([type, amount, path]) => {
    if (seen.has(type)) fail(`requirements name ${JSON.stringify(type)} twice`);
    seen.add(type);
    const problem = typeof amount === 'number' ? amountProblem(amount) : 'must be a number';
    if (problem !== undefined) fail(`${path} ${problem}`);
    return { type, amount: amount as number };
  });
}

/** Names must be unique: they label the output and are the jobs' client names. */
export function checkUniqueNames(jobs: readonly JobSpec[]): void {
  const seen = new Map<string, string>();
  const problems: JobError[] = [];
  for (const j of jobs) {
    const first = seen.get(j.name);
    if (first !== undefined) problems.push(new JobError(j.where ?? j.name, `the name ${JSON.stringify(j.name)} is taken by the job at ${first}; names must be unique`));
    else seen.set(j.name, j.where ?? j.name);
  }
  if (problems.length > 0) throw new JobErrors(problems);
}
