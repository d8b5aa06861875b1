import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDemo } from './driver.js';
import { DEMO_USAGE, DemoFlagError, parseDemoFlags, svgPathProblem } from './flags.js';
import { timelineSvg } from './svg.js';
import { liveView, plainView, type View } from './terminal.js';
import { count, jobNames, ms, robotNames, stories } from './timeline.js';

/** The `make demo` program: jobs share robots on a real node; a live timeline, then an SVG. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseDemoFlags(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof DemoFlagError)) throw e;
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
  const node = [process.execPath, fileURLToPath(new URL('../bin/resource-node', import.meta.url))];
  const write = (text: string): void => {
    process.stdout.write(text);
  };
  const setup = { jobs: jobNames(options.jobs), robots: robotNames(options.robots), jobMs: options.jobMs, write };
  const live = process.stdout.isTTY === true;
  const view: View = live ? liveView({ ...setup, colour: process.env.NO_COLOR === undefined, columns: process.stdout.columns ?? 80 }) : plainView(setup);
  if (!live) {
    write(`resource-node demo: ${count(options.jobs, 'job')}, ${count(options.robots, 'robot')}; each job holds a robot for ${ms(options.jobMs)}\n`);
  }

  // One clock for the view and the events, from the moment the jobs are submitted: a view
  // started earlier would run ahead of the events by the node's start-up time.
  const clock = (): number => performance.now();
  let redraw: NodeJS.Timeout | undefined;
  const onStart = (start: number): void => {
    if (live) redraw = setInterval(() => view.tick(clock() - start), 100);
  };
  process.on('SIGINT', () => {
    view.finish();
    process.exit(130);
  });
  try {
    const run = await runDemo({ ...options, node, onEvent: (e) => view.event(e), onStart, clock });
    clearInterval(redraw);
    view.finish();
    writeFileSync(options.svg, timelineSvg(run));
    const all = stories(run);
    const end = Math.max(...all.map((s) => s.checkedIn));
    const waited = all.filter((s) => s.waitedFrom >= 0);
    const longest = Math.max(0, ...waited.map((s) => s.checkedOut - s.waitedFrom));
    write(`\nDone in ${ms(end)}: ${count(run.jobs.length, 'job')}, ${waited.length} of them waited for a robot${waited.length === 0 ? '' : ` (longest ${ms(longest)})`}.\n`);
    write(`Timeline written to ${options.svg}\n`);
  } catch (e) {
    clearInterval(redraw);
    view.finish();
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

void main();
