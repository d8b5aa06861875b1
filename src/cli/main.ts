import { ResourceNode } from '../node/node.js';
import { attachStdio } from './stdio.js';
import { FlagError, USAGE, parseFlags } from './flags.js';

declare const __VERSION__: string;

/** The `resource-node` program: flags, then stdin/stdout/stderr and signals. */
function main(): void {
  const log = (line: string): void => {
    process.stderr.write(`resource-node: ${line}\n`);
  };
  let command;
  try {
    command = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`resource-node: ${e.message}\nTry 'resource-node --help'.\n`);
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
  const { config } = command;
  const clock = () => performance.now();
  const node = new ResourceNode(config, { clock, log });
  // A reader that went away (e.g. `| head`) ends the node quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const exitWhenWritten = (): void => {
    // The empty write's callback runs once everything queued before it is flushed.
    process.stdout.write('', () => process.exit(0));
  };
  const io = attachStdio(node, {
    input: process.stdin,
    output: process.stdout,
    log,
    maxLineBytes: config.maxLineBytes,
    clock: config.deterministic ? undefined : clock,
    done: exitWhenWritten,
  });
  process.on('SIGTERM', io.stop);
  process.on('SIGINT', io.stop);
  // Someone typing, not a pipe: say that the silence means waiting for input.
  if (process.stdin.isTTY === true) log('ready; one JSON message per line (Ctrl-D to end)');
}

main();
