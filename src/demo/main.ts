import { fileURLToPath } from 'node:url';
import { DEFAULT_GRACE_MS, RunFlagError, svgPathProblem } from '../run/flags.js';
import { runProgram } from '../run/program.js';
import { count, ms } from '../run/timeline.js';
import { DEMO_USAGE, DemoFlagError, parseDemoFlags } from './flags.js';
import { demoJobs, robotNames } from './jobs.js';

/** The `make demo` program: real processes share robots through resource-run; a live timeline, then an SVG. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseDemoFlags(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof DemoFlagError || e instanceof RunFlagError)) throw e;
    process.stderr.write(`demo: ${e.message}\nTry 'node dist/demo.js --help'.\n`);
    process.exit(2);
  }
  if (options === undefined) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  const svgProblem = svgPathProblem(options.svg);
  if (svgProblem !== undefined) {
    process.stderr.write(`demo: --svg ${options.svg}: ${svgProblem}\n`);
    process.exit(2);
  }
  // This file is bundled to dist/demo.js; the node's launcher sits in bin/ beside dist/.
  const node = [process.execPath, fileURLToPath(new URL('../bin/resource-node', import.meta.url)), '--pool', `robot=${robotNames(options.robots).join(',')}`];
  const status = await runProgram({
    jobs: demoJobs(options),
    node,
    graceMs: DEFAULT_GRACE_MS,
    svg: options.svg,
    dryRun: false,
    plain: false,
    title: `${count(options.jobs, 'job')}, ${count(options.robots, 'robot')}: each job holds one robot for ${ms(options.jobMs)}`,
    banner: `resource-node demo: ${count(options.jobs, 'job')}, ${count(options.robots, 'robot')}; each job holds a robot for ${ms(options.jobMs)}`,
  });
  process.exitCode = status;
  setTimeout(() => process.exit(status), 1000).unref();
}

void main();
