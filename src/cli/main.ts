import { ResourceNode } from '../server/node.js';
import { printable } from '../protocol/printable.js';
import { attachStdio, type StdioOutcome } from '../adapters/stdio.js';
import { FlagError, USAGE, parseFlags } from './flags.js';
import { serve } from './serve.js';
import type { DurableStore } from '../server/node.js';

declare const __VERSION__: string;

/** Ended allocations and request_id outcomes remembered: the manager's default, kept by the store alike. */
const REMEMBER = 100_000;

/** The `resource-node` program: flags, then stdin/stdout/stderr and signals. */
function main(): void {
  // Logs are best effort: a stderr that fails (closed, a full disk) must not stop the node.
  let logging = true;
  process.stderr.on('error', () => {
    logging = false;
  });
  const log = (line: string): void => {
    if (logging) process.stderr.write(`resource-node: ${line}\n`);
  };
  let command;
  try {
    command = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`resource-node: ${printable(e.message)}\nTry 'resource-node --help'.\n`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`resource-node ${__VERSION__}\n`);
    return;
  }
  if (command.stateDir === undefined) {
    run(command, log, undefined);
    return;
  }
  // The store (and its native module) is loaded only when --state-dir is given.
  void import('../adapters/state-dir.js').then(async ({ StateDir, StateDirError }) => {
    let durable;
    try {
      durable = await StateDir.open(command.stateDir!, REMEMBER);
    } catch (e) {
      if (!(e instanceof StateDirError)) throw e;
      process.stderr.write(`resource-node: ${printable(e.message)}\n`);
      process.exit(2);
    }
    run(command, log, durable);
  });
}

function run(command: Extract<ReturnType<typeof parseFlags>, { kind: 'run' }>, log: (line: string) => void, durable: DurableStore | undefined): void {
  const { config } = command;
  // Wall-clock milliseconds: deadlines are moments in time, which --state-dir keeps.
  const clock = Date.now;
  if (command.service !== undefined) {
    void serve(command, command.service, log, durable);
    return;
  }
  const node = new ResourceNode(config, { clock, log, ...(durable === undefined ? {} : { durable }) });
  const io = attachStdio(node, {
    input: process.stdin,
    output: process.stdout,
    log,
    maxLineBytes: config.maxLineBytes,
    clock: config.deterministic ? undefined : clock,
    graceMs: command.shutdownGraceMs,
    done: (outcome) => process.exit(exitStatus(outcome, log)),
  });
  process.on('SIGTERM', io.stop);
  process.on('SIGINT', io.stop);
  // Someone typing, not a pipe: say that the silence means waiting for input.
  if (process.stdin.isTTY === true) log('ready; one JSON message per line (Ctrl-D to end)');
}

/** The exit status for how output ended (docs/protocol.md, "Exit status"), saying why on stderr. */
function exitStatus(outcome: StdioOutcome, log: (line: string) => void): number {
  const { error, undelivered } = outcome;
  // A reader that went away (e.g. `| head`) ends the node quietly.
  if (error?.code === 'EPIPE') return 0;
  if (error !== undefined) {
    log(`cannot write to stdout (${error.code ?? error.message}); ${replies(undelivered)} not delivered`);
    return 1;
  }
  if (outcome.gaveUp) {
    log(`stopped with ${replies(undelivered)} not delivered: stdout was not read`);
    return 1;
  }
  return 0;
}

function replies(n: number): string {
  return n === 1 ? '1 reply' : `${n} replies`;
}

main();
