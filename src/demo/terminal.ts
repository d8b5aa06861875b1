import { count, eventLine, jobColour, ms, stories, tickLabel, tickStep, type DemoEvent, type JobStory } from './timeline.js';

/** Where the demo shows its progress. */
export interface View {
  event(e: DemoEvent): void;
  /** Redraws with the clock at `now` ms (live view only). */
  tick(now: number): void;
  finish(): void;
}

export interface ViewSetup {
  readonly jobs: readonly string[];
  readonly robots: readonly string[];
  readonly jobMs: number;
  readonly write: (text: string) => void;
}

/** For pipes and logs: one line per event, as it happens. */
export function plainView(s: ViewSetup): View {
  const events: DemoEvent[] = [];
  return {
    event(e) {
      events.push(e);
      s.write(`${eventLine(e, events)}\n`);
    },
    tick() {},
    finish() {},
  };
}

const CHART_COLUMNS = 60;
const LOG_LINES = 8;

/** For a terminal: a timeline redrawn in place, with the latest events below it. */
export function liveView(s: ViewSetup & { readonly colour: boolean; readonly columns: number }): View {
  const events: DemoEvent[] = [];
  let drawn = 0;
  let now = 0;
  /** Once every job has checked in the clock stops, so the last frame never goes back in time. */
  let over = false;
  const draw = (): void => {
    // A wrapped line would throw off the count of lines to move back over.
    const lines = frame({ ...s, events, now }).map((l) => (l.includes('\x1b') ? l : l.slice(0, s.columns - 1)));
    // Move up over the previous frame and clear it, then draw the new one.
    s.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  s.write('\x1b[?25l');
  return {
    event(e) {
      events.push(e);
      now = Math.max(now, e.at);
      over ||= events.filter((x) => x.kind === 'checks_in').length === s.jobs.length;
      draw();
    },
    tick(t) {
      if (over) return;
      now = Math.max(now, t);
      draw();
    },
    finish() {
      // The last frame shows the whole run, and time never runs backwards into it.
      if (events.length > 0) now = Math.max(now, events[events.length - 1]!.at);
      draw();
      s.write('\x1b[?25h');
    },
  };
}

interface FrameInput {
  readonly jobs: readonly string[];
  readonly robots: readonly string[];
  readonly jobMs: number;
  readonly events: readonly DemoEvent[];
  readonly now: number;
  readonly colour: boolean;
}

/** The live picture at `now`: an axis, a lane per robot, a lane per waiting job, the present, the log. */
export function frame(f: FrameInput): string[] {
  const all = stories(f);
  const rounds = Math.ceil(f.jobs.length / f.robots.length);
  const span = Math.max(rounds * f.jobMs * 1.05, f.now * 1.02, 1);
  const perColumn = span / CHART_COLUMNS;
  /** A held robot is white text on the job's colour; a wait is hatching in the job's colour. */
  const paint = (story: JobStory | undefined, text: string, waiting: boolean): string => {
    if (story === undefined || !f.colour) return text;
    const hex = jobColour(f.jobs.indexOf(story.job));
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return waiting ? `\x1b[38;2;${r};${g};${b}m${text}\x1b[0m` : `\x1b[48;2;${r};${g};${b}m\x1b[97m${text}\x1b[0m`;
  };
  /** A lane: each column shows who occupies it at its middle moment; a job's name starts its bar. */
  const lane = (occupant: (t: number) => JobStory | undefined, fill: string): string => {
    let out = '';
    let c = 0;
    while (c < CHART_COLUMNS) {
      const t = (c + 0.5) * perColumn;
      if (t > f.now) {
        out += ' '.repeat(CHART_COLUMNS - c);
        break;
      }
      const who = occupant(t);
      let run = 1;
      while (c + run < CHART_COLUMNS && (c + run + 0.5) * perColumn <= f.now && occupant((c + run + 0.5) * perColumn) === who) run++;
      if (who === undefined) out += '·'.repeat(run);
      else out += paint(who, run > who.job.length ? who.job + fill.repeat(run - who.job.length) : fill.repeat(run), fill === '░');
      c += run;
    }
    return out;
  };
  const until = (end: number) => (end < 0 ? Infinity : end);

  const step = tickStep(span, 6);
  let axis = ' '.repeat(CHART_COLUMNS + 12);
  for (let t = 0; t <= span; t += step) {
    const col = 9 + Math.round(t / perColumn);
    const label = tickLabel(t, step);
    if (col + label.length <= axis.length) axis = axis.slice(0, col) + label + axis.slice(col + label.length);
  }
  const lines = [
    `${count(f.jobs.length, 'job')}, ${count(f.robots.length, 'robot')}, ${ms(f.jobMs)} each        t = ${ms(f.now)}`,
    '',
    axis.trimEnd(),
  ];
  for (const robot of f.robots) {
    const holds = all.filter((s) => s.robot === robot);
    lines.push(`  ${robot.padEnd(6)}|${lane((t) => holds.find((s) => s.checkedOut <= t && t < until(s.checkedIn)), f.colour ? ' ' : '=')}|`);
  }
  for (const s of all.filter((x) => x.waitedFrom >= 0)) {
    lines.push(`  ${'wait'.padEnd(6)}|${lane((t) => (s.waitedFrom <= t && t < until(s.checkedOut) ? s : undefined), '░').replaceAll('·', ' ')}| ${s.job}`);
  }
  lines.push('');
  for (const robot of f.robots) {
    const holder = all.find((s) => s.robot === robot && s.checkedOut >= 0 && s.checkedIn < 0);
    lines.push(`  ${robot.padEnd(6)}${holder === undefined ? 'free' : `${holder.job} since ${ms(holder.checkedOut)} (${ms(f.now - holder.checkedOut)} so far)`}`);
  }
  const waiting = all.filter((s) => s.waitedFrom >= 0 && s.checkedOut < 0);
  const told = waiting.slice(0, 2).map((s) => `${s.job} since ${ms(s.waitedFrom)} (${ms(f.now - s.waitedFrom)} so far)`);
  if (waiting.length > 2) told.push(`${waiting.length - 2} more`);
  lines.push(`  waiting ${told.length === 0 ? 'nobody' : told.join(', ')}`);
  lines.push('');
  const recent = f.events.slice(-LOG_LINES);
  for (const e of recent) lines.push(`  ${eventLine(e, f.events)}`);
  return lines;
}
