import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printable } from '../protocol/printable.js';
import { JobErrors, checkUniqueNames, parseJob, parseJobLines, JobError, type JobSpec } from './job.js';
import { RUN_USAGE, RunFlagError, parseRunFlags, type RunFlags } from './flags.js';
import { runProgram } from './program.js';

declare const __VERSION__: string;

/** Every job of the files and --job flags, in order; throws JobErrors listing every problem. */
function readJobs(flags: RunFlags): JobSpec[] {
  const jobs: JobSpec[] = [];
  const problems: JobError[] = [];
  for (const file of flags.files) {
    try {
      const text = readFileSync(file === '-' ? 0 : file, 'utf8');
      jobs.push(...parseJobLines(text, file === '-' ? 'stdin' : file, jobs.length + 1));
    } catch (e) {
      if (e instanceof JobErrors) problems.push(...e.problems);
      else problems.push(new JobError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
    }
  }
  flags.jobArgs.forEach((text, i) => {
    const where = `--job ${i + 1}`;
    try {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new JobError(where, `not JSON (${(e as Error).message})`);
      }
      jobs.push(parseJob(value, where, jobs.length + 1));
    } catch (e) {
      if (!(e instanceof JobError)) throw e;
      problems.push(e);
    }
  });
  if (problems.length > 0) throw new JobErrors(problems);
  checkUniqueNames(jobs);
  return jobs;
}

/** The `resource-run` program. */
async function main(): Promise<void> {
  const fail = (message: string): never => {
    process.stderr.write(`${printable(message, true)
      .split('\n')
      .map((l) => `resource-run: ${l}`)
      .join('\n')}\nTry 'resource-run --help'.\n`);
    process.exit(2);
  };
  let flags: RunFlags | 'help' | 'version' = 'help';
  let jobs: JobSpec[] = [];
  try {
    flags = parseRunFlags(process.argv.slice(2));
    if (flags === 'help') {
      process.stdout.write(RUN_USAGE);
      return;
    }
    if (flags === 'version') {
      process.stdout.write(`resource-run ${__VERSION__}\n`);
      return;
    }
    jobs = readJobs(flags);
  } catch (e) {
    if (e instanceof RunFlagError) fail(e.message);
    if (e instanceof JobErrors) fail(e.message);
    throw e;
  }
  if (jobs.length === 0) fail('no jobs: give a JSON-lines file of jobs, or --job');
  // This file is bundled to dist/resource-run.js; the node's launcher sits in bin/ beside dist/.
  const node = [process.execPath, fileURLToPath(new URL('../bin/resource-node', import.meta.url)), ...flags.nodeFlags];
  const status = await runProgram({ ...flags, jobs, node });
  process.exitCode = status;
  // Everything is closed by now; should a handle linger, it does not hold the exit back.
  setTimeout(() => process.exit(status), 1000).unref();
}

void main();
