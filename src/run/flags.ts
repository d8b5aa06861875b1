import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TokenFileError, readTokenFile } from '../adapters/token.js';
import { FlagError as NodeFlagError, parseFlags } from '../cli/flags.js';
import { flagsOf } from '../lib/argv.js';

/** A command line that cannot be run; the program prints it and exits 2. */
export class RunFlagError extends Error {}

export interface RunFlags extends RunOptions {
  /** JSON-lines files of jobs (`-` is stdin), in order. */
  readonly files: readonly string[];
  /** Jobs given as `--job JSON`, in order. */
  readonly jobArgs: readonly string[];
  /** Flags for our own node; empty with --connect. */
  readonly nodeFlags: readonly string[];
}

/** How a run goes, whoever set it up (the command line, the demo). */
export interface RunOptions {
  readonly connect?: { readonly host: string; readonly port: number };
  /** With --connect: what goes before each job's client name. */
  readonly client?: string;
  /** With --connect: the node's shared secret (resource-node --token-file), read from this file. */
  readonly token?: string;
  readonly graceMs: number;
  readonly svg?: string;
  readonly dryRun: boolean;
  /** Plain lines even on a terminal. */
  readonly plain: boolean;
}

export const DEFAULT_GRACE_MS = 5000;

export const RUN_USAGE = `Usage: resource-run [flags] [JOBS.jsonl ...]

Runs commands under allocations of a resource-node: each job waits for its requirements,
runs in its own process group with its output prefixed by its name, and gives its
resources back when it exits (completed, failed or killed).

Jobs, one JSON object per line of each file ('-' reads stdin), or --job:
  {"name":"train","command":["python","train.py"],"requirements":[{"type":"gpu","amount":1}],
   "priority":0,"timeout_ms":60000,"lease_ms":30000}

Flags:
  --job JSON           one job; repeatable
  --connect HOST:PORT  use the node listening there (resource-node --listen) instead of our own
  --client NAME        with --connect: the prefix of the jobs' client names (default HOSTNAME-PID)
  --token-file FILE    with --connect: the node's shared secret, for a node started with --token-file
  --grace-ms N         after SIGTERM, how long a job's group has before SIGKILL (default ${DEFAULT_GRACE_MS})
  --svg FILE           write a timeline picture of the run
  --dry-run            print the plan against the node's capacity; run nothing
  --plain              plain lines even on a terminal
  --help, --version

Every other flag goes to our own node, as resource-node takes it:
  resource-run --capacity cpu=4,gpu=1 jobs.jsonl
  resource-run --pool robot=r1,r2 jobs.jsonl

Exit status: 0 when every job completed, 1 when one did not (failed, killed, refused,
cancelled) or the node went away, 2 for a bad command line or job, 130 on Ctrl-C.
`;

/** Node flags that take no value; every other node flag takes one. */
const NODE_SWITCHES = new Set(['--deterministic']);

/** Parses argv; undefined means help, 'version' the version. Throws RunFlagError. */
export function parseRunFlags(argv: readonly string[]): RunFlags | 'help' | 'version' {
  const files: string[] = [];
  const jobArgs: string[] = [];
  const nodeFlags: string[] = [];
  let o: RunOptions = { graceMs: DEFAULT_GRACE_MS, dryRun: false, plain: false };
  for (const { arg, name, inline, value, noValue } of flagsOf(argv, (m) => new RunFlagError(m))) {
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--version':
        return 'version';
      case '--job':
        jobArgs.push(value());
        break;
      case '--connect':
        o = { ...o, connect: parseAddress(value()) };
        break;
      case '--client': {
        const c = value();
        if (!/^[A-Za-z0-9._:+@-]{1,64}$/.test(c)) throw new RunFlagError(`--client must be 1 to 64 letters, digits or . _ : + @ -, got ${JSON.stringify(c)}`);
        o = { ...o, client: c };
        break;
      }
      case '--token-file':
        try {
          o = { ...o, token: readTokenFile(value()) };
        } catch (e) {
          if (e instanceof TokenFileError) throw new RunFlagError(e.message);
          throw e;
        }
        break;
      case '--grace-ms': {
        const v = value();
        if (!/^[0-9]+$/.test(v) || Number(v) > 2_147_483_647) throw new RunFlagError(`--grace-ms must be a whole number of milliseconds, got ${JSON.stringify(v)}`);
        o = { ...o, graceMs: Number(v) };
        break;
      }
      case '--svg': {
        const path = value();
        if (path === '') throw new RunFlagError('--svg needs a path');
        o = { ...o, svg: path };
        break;
      }
      case '--dry-run':
        noValue();
        o = { ...o, dryRun: true };
        break;
      case '--plain':
        noValue();
        o = { ...o, plain: true };
        break;
      case '-':
        files.push(arg);
        break;
      default:
        if (!arg.startsWith('-')) files.push(arg);
        else if (arg.startsWith('--')) {
          nodeFlags.push(arg);
          if (inline === undefined && !NODE_SWITCHES.has(name)) nodeFlags.push(value());
        } else throw new RunFlagError(`unknown flag ${JSON.stringify(arg)}`);
    }
  }
  if (o.connect !== undefined && nodeFlags.length > 0) throw new RunFlagError(`${nodeFlags[0]} is a flag for our own node; with --connect the node is already running`);
  if (o.client !== undefined && o.connect === undefined) throw new RunFlagError('--client names clients on a shared node: it needs --connect');
  if (o.token !== undefined && o.connect === undefined) throw new RunFlagError('--token-file is for a node we connect to: it needs --connect (our own node takes no token)');
  if (nodeFlags.length > 0) {
    try {
      const command = parseFlags(nodeFlags);
      if (command.kind !== 'run') throw new RunFlagError(`${nodeFlags[0]} is not a node flag here`);
    } catch (e) {
      if (e instanceof NodeFlagError) throw new RunFlagError(`${e.message} (a flag for our own node)`);
      throw e;
    }
  }
  if (o.svg !== undefined) {
    const problem = svgPathProblem(o.svg);
    if (problem !== undefined) throw new RunFlagError(`--svg ${o.svg}: ${problem}`);
  }
  return { ...o, files, jobArgs, nodeFlags };
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (this machine). */
export function parseAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):([0-9]{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535) throw new RunFlagError(`--connect needs HOST:PORT (a port from 1 to 65535), got ${JSON.stringify(text)}`);
  return { host: m[1] ?? (m[2] === '' ? '127.0.0.1' : m[2]!), port };
}

/** Why the SVG cannot be written at `path`, or undefined: checked before the run, not after it. */
export function svgPathProblem(path: string): string | undefined {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) return `no such folder ${dir}`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  if (existsSync(path) && statSync(path).isDirectory()) return 'that is a folder; give a file name';
  try {
    accessSync(existsSync(path) ? path : dir, constants.W_OK);
  } catch {
    return `cannot write ${existsSync(path) ? 'that file' : `in ${dir}`}`;
  }
  return undefined;
}
