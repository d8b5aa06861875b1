import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover, type Fixture } from './discover.js';
import { NodeProcess, shellQuote } from './node-process.js';
import { label, runFixture } from './suite.js';

const USAGE = `Usage: golden [--node "CMD"] [--timeout MS] [--update] [--filter TEXT] [PATH...]

Runs fixtures against a node and prints PASS or FAIL per fixture, then "N passed, N failed".

  --node "CMD"    shell command that starts the node to test (default: this project's resource-node)
  --timeout MS    how long each harness step waits for its replies (default: each case's timeout_ms, 5000)
  --update        rewrite each transcript's expected.jsonl from the node's output (harness cases never change)
  --filter TEXT   run only fixtures whose label, name or path contains TEXT
  PATH...         fixture files or folders (default: every fixture: fixtures/golden and fixtures/harness)

Exit status: 0 if every fixture passed, 1 if any failed, 2 for a bad command line.
`;

// The bundle lives in dist/; the project root is one level up, wherever the caller stands.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  node: string;
  nodeGiven: boolean;
  update: boolean;
  filter: string | undefined;
  timeoutMs: number | undefined;
  paths: string[];
}

function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { node: defaultNode(), nodeGiven: false, update: false, filter: undefined, timeoutMs: undefined, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--update') o.update = true;
    else if (arg === '--node') {
      o.node = value();
      o.nodeGiven = true;
    } else if (arg.startsWith('--node=')) {
      o.node = arg.slice('--node='.length);
      o.nodeGiven = true;
    } else if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      const text = arg === '--timeout' ? value() : arg.slice('--timeout='.length);
      if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`--timeout must be a whole number of milliseconds, at least 1, got ${JSON.stringify(text)}`);
      o.timeoutMs = Number(text);
    } else if (arg === '--filter') o.filter = value();
    else if (arg.startsWith('--filter=')) o.filter = arg.slice('--filter='.length);
    else if (arg.startsWith('--')) throw new Error(`unknown flag ${JSON.stringify(arg)}`);
    else o.paths.push(arg);
  }
  if (o.node.trim() === '') throw new Error('--node needs a command');
  if (o.paths.length === 0) o.paths = [join(root, 'fixtures', 'golden'), join(root, 'fixtures', 'harness')];
  return o;
}

function defaultNode(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(join(root, 'bin', 'resource-node'))}`;
}

/** Runs the selected fixtures one after another, printing as it goes; resolves to the exit status. */
async function main(argv: readonly string[]): Promise<number> {
  let options;
  let fixtures: Fixture[];
  try {
    options = parseArgs(argv);
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    fixtures = discover(options.paths);
  } catch (e) {
    process.stderr.write(`golden: ${(e as Error).message}\nTry 'golden --help'.\n`);
    return 2;
  }
  const { filter } = options;
  if (filter !== undefined) fixtures = fixtures.filter((f) => label(f).includes(filter) || f.path.includes(filter));
  if (fixtures.length === 0) {
    process.stderr.write(`golden: no fixtures to run${filter === undefined ? '' : ` (--filter ${JSON.stringify(filter)} matched none)`}\n`);
    return 2;
  }
  let passed = 0;
  let failedCount = 0;
  let transcriptFailed = false;
  for (const f of fixtures) {
    const { label: l, name, outcome } = await runFixture(f, options.node, { update: options.update, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    const title = name !== undefined && name !== l.split('/').pop() ? `${l} - ${name}` : l;
    if (outcome.result === 'fail') {
      failedCount++;
      transcriptFailed ||= f.kind === 'transcript';
      print(`FAIL ${title}`);
      for (const d of outcome.details) for (const line of d.split('\n')) print(`    ${line}`);
    } else {
      passed++;
      print(`${outcome.result === 'updated' ? 'UPDATED' : 'PASS'} ${title}`);
    }
  }
  if (transcriptFailed && options.nodeGiven) {
    print('note: transcripts expect resource-node\'s exact --deterministic output; to check another node, run only fixtures/harness');
  }
  print(`${passed} passed, ${failedCount} failed`);
  return failedCount === 0 ? 0 : 1;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

// Nodes run in their own process groups, so an interrupt must end them here.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const node of NodeProcess.live) void node.kill();
    process.exit(130);
  });
}

// A reader that stopped (`bin/golden | head`) has what it wanted: end quietly, as `ls` does.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  for (const node of NodeProcess.live) void node.kill();
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`golden: stdout: ${e.message}\n`);
  process.exit(2);
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`golden: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
