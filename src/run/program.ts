import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOptions } from './flags.js';
import type { JobSpec } from './job.js';
import { connectNode, spawnNode, type LinkSink, type NodeLink } from './link.js';
import { RunError, askShape, checkPlan, plan, planText } from './plan.js';
import { Runner } from './runner.js';
import { summaryTable } from './summary.js';
import { timelineSvg } from './svg.js';
import { liveView, plainView, type View } from './terminal.js';

export interface ProgramSetup extends RunOptions {
  readonly jobs: readonly JobSpec[];
  /** The command that starts our own node, flags included; unused with `connect`. */
  readonly node: readonly string[];
  /** The picture's title. */
  readonly title?: string;
  /** A first line in a pipe, saying what runs. */
  readonly banner?: string;
}

const NODE_ID = 'n1';

/** `resource-run: ` before each line of a message. */
function errorLines(message: string): string {
  return `${message
    .split('\n')
    .map((l) => `resource-run: ${l}`)
    .join('\n')}\n`;
}
const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Runs the jobs with views on this process's stdout and stderr; resolves to the exit status. */
export async function runProgram(s: ProgramSetup): Promise<number> {
  // A reader that went away (`| head`) must not end the run with its jobs still running: output stops, the run goes on.
  const streams = { stdout: true, stderr: true };
  process.stdout.on('error', () => (streams.stdout = false));
  process.stderr.on('error', () => (streams.stderr = false));
  const write = (text: string): void => void (streams.stdout && process.stdout.write(text));
  const writeError = (text: string): void => void (streams.stderr && process.stderr.write(text));
  const clientPrefix = s.connect === undefined ? '' : `${s.client ?? `${hostname()}-${process.pid}`}/`;
  const auth = s.token === undefined ? undefined : { src: `${clientPrefix}resource-run`, token: s.token };
  const connect = (sink: LinkSink): NodeLink | Promise<NodeLink> => (s.connect === undefined ? spawnNode(s.node, NODE_ID, sink) : connectNode(s.connect.host, s.connect.port, NODE_ID, sink, auth));

  if (s.dryRun) {
    try {
      const { shape, link } = await askShape(connect, `${clientPrefix}resource-run`);
      const planned = plan(s.jobs, shape);
      write(planText(planned, shape));
      await link.close();
      checkPlan(planned, { capacityIsFixed: s.connect === undefined });
      return 0;
    } catch (e) {
      writeError(errorLines((e as Error).message));
      return e instanceof RunError ? 2 : 1;
    }
  }

  const live = process.stdout.isTTY === true && !s.plain;
  const width = Math.max(...s.jobs.map((j) => j.name.length));
  const setup = { jobs: s.jobs.map((j) => j.name), write, writeError };
  // Made once the node has answered, so that its members name the lanes.
  let view: View = plainView(setup);
  if (!live && s.banner !== undefined) write(`${s.banner}\n`);
  let redraw: NodeJS.Timeout | undefined;
  const clock = (): number => performance.now();
  const runner = new Runner({
    jobs: s.jobs,
    open: connect,
    graceMs: s.graceMs,
    clientPrefix,
    capacityIsFixed: s.connect === undefined,
    clock,
    onEvent: (e) => view.event(e),
    onOutput: (job, line, stream) => view.output(`${job.padEnd(width)} | ${line}`, stream),
    onStart: (start, lanes) => {
      if (!live) return;
      const errorsToo = process.stderr.isTTY === true;
      view = liveView({ ...setup, ...lanes, colour: process.env.NO_COLOR === undefined, columns: process.stdout.columns ?? 80, errorsToo });
      redraw = setInterval(() => view.tick(clock() - start), 100);
    },
    onNotice: (text) => writeError(`resource-run: ${text}\n`),
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals): void => runner.interrupt(signal);
  for (const sig of signals) process.on(sig, onSignal);
  // Whatever ends this process, no job outlives it.
  const onExit = (): void => runner.killAll();
  process.on('exit', onExit);
  try {
    const outcome = await runner.run();
    clearInterval(redraw);
    view.finish();
    if (s.svg !== undefined) writeFileSync(s.svg, timelineSvg({ ...outcome.record, ...(s.title === undefined ? {} : { title: s.title }) }));
    write(`\n${summaryTable(outcome.results)}`);
    if (s.svg !== undefined) write(`Timeline written to ${s.svg}\n`);
    if (outcome.lost !== undefined) writeError(`resource-run: ${outcome.lost}\n`);
    if (outcome.interrupted !== undefined) return SIGNAL_STATUS[outcome.interrupted] ?? 130;
    if (outcome.lost !== undefined) return 1;
    return outcome.results.every((r) => r.status === 'completed') ? 0 : 1;
  } catch (e) {
    clearInterval(redraw);
    view.finish();
    writeError(errorLines((e as Error).message));
    return e instanceof RunError ? 2 : 1;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    process.off('exit', onExit);
  }
}
