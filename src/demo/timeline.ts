/** What happened to a job, in the order the driver heard it from the node. */
export type DemoEventKind = 'waits' | 'checks_out' | 'checks_in';

/** One moment of the demo; `at` is milliseconds since the jobs were submitted. */
export interface DemoEvent {
  readonly at: number;
  readonly job: string;
  readonly kind: DemoEventKind;
  /** The robot checked out or in (absent while waiting). */
  readonly robot?: string;
}

/** One job's story, derived from the events. Times are ms since submission; -1 = not yet. */
export interface JobStory {
  readonly job: string;
  /** When the node answered `queued`, or -1 if the job never waited. */
  readonly waitedFrom: number;
  readonly checkedOut: number;
  readonly checkedIn: number;
  readonly robot: string | undefined;
}

/** The whole run, as the picture and the summary need it. */
export interface DemoRun {
  readonly jobs: readonly string[];
  readonly robots: readonly string[];
  readonly jobMs: number;
  readonly events: readonly DemoEvent[];
}

/** Job names `job1`, `job2`, ...: each job is its own client. */
export function jobNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `job${i + 1}`);
}

/** Robot names `r1`, `r2`, ...: the members of the `robot` pool. */
export function robotNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `r${i + 1}`);
}

/** Each job's story, in job order. */
export function stories(run: Pick<DemoRun, 'jobs' | 'events'>): JobStory[] {
  return run.jobs.map((job) => {
    let waitedFrom = -1;
    let checkedOut = -1;
    let checkedIn = -1;
    let robot: string | undefined;
    for (const e of run.events) {
      if (e.job !== job) continue;
      if (e.kind === 'waits') waitedFrom = e.at;
      else if (e.kind === 'checks_out') {
        checkedOut = e.at;
        robot = e.robot;
      } else checkedIn = e.at;
    }
    return { job, waitedFrom, checkedOut, checkedIn, robot };
  });
}

/** A distinct colour per job (cycled), shared by the terminal and the picture. */
export const JOB_COLOURS = ['#2f6fb0', '#d9742b', '#3c9a5f', '#b8434f', '#7b5ea7', '#2a9a9a', '#a0782c', '#c45a9b'] as const;

export function jobColour(index: number): string {
  return JOB_COLOURS[index % JOB_COLOURS.length]!;
}

/** `1503` -> `"1503 ms"`; whole milliseconds are as fine as the eye needs. */
export function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** A round tick step (1, 2 or 5 times a power of ten) giving at most `maxTicks` steps over `span`. */
export function tickStep(span: number, maxTicks: number): number {
  const rough = Math.max(span, 1) / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const f of [1, 2, 5, 10]) if (f * power >= rough) return f * power;
  return 10 * power;
}

/** A tick label: seconds when the steps are whole tenths of a second, else milliseconds. */
export function tickLabel(t: number, step: number): string {
  if (step >= 100 && step % 100 === 0) return `${Number((t / 1000).toFixed(1))} s`;
  return `${Math.round(t)} ms`;
}

/** The sentence that tells an event, e.g. `job3 checks out r1 after waiting 1501 ms`. */
export function describeEvent(e: DemoEvent, events: readonly DemoEvent[]): string {
  const earlier = (kind: DemoEvent['kind']) => events.find((x) => x.job === e.job && x.kind === kind && x.at <= e.at);
  switch (e.kind) {
    case 'waits':
      return `${e.job} waits: every robot is busy`;
    case 'checks_out': {
      const waited = earlier('waits');
      return `${e.job} checks out ${e.robot}${waited === undefined ? '' : ` after waiting ${ms(e.at - waited.at)}`}`;
    }
    case 'checks_in': {
      const out = earlier('checks_out');
      return `${e.job} checks in ${e.robot}${out === undefined ? '' : ` after holding it ${ms(e.at - out.at)}`}`;
    }
  }
}

/** One plain event line, e.g. `[  1503 ms] job1 checks in r1 after holding it 1501 ms`. */
export function eventLine(e: DemoEvent, events: readonly DemoEvent[]): string {
  return `[${ms(e.at).padStart(8)}] ${describeEvent(e, events)}`;
}

/** `1 job`, `3 jobs`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
