import { EventHistory, count, eventLine, jobColour, lanesOf, ms, outcome, stories, tickLabel, tickStep, type JobStory, type RunEvent, type RunRecord } from './timeline.js';

/** Where a run shows its progress, and the jobs' output. */
export interface View {
  event(e: RunEvent): void;
  /** A line a job wrote, already prefixed with its name. */
  output(line: string, stream: 'stdout' | 'stderr'): void;
  /** Redraws with the clock at `now` ms (live view only). */
  tick(now: number): void;
  finish(): void;
}

export interface ViewSetup extends Pick<RunRecord, 'jobs' | 'laneType' | 'members'> {
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
}

/** For pipes and logs: one line per event and per output line, as they happen. */
export function plainView(s: ViewSetup): View {
  const history = new EventHistory();
  return {
    event(e) {
      history.add(e);
      s.write(`${eventLine(e, history)}\n`);
    },
    output(line, stream) {
      (stream === 'stdout' ? s.write : s.writeError)(`${line}\n`);
    },
    tick() {},
    finish() {},
  };
}

const CHART_COLUMNS = 60;
const LOG_LINES = 6;
const MAX_LANES = 12;
const MAX_WAIT_LANES = 4;

/**
 * For a terminal: the jobs' output scrolls above, and below it a timeline redrawn in place
 * (lanes, who runs, who waits and why, what is done, the latest events). Output waits for
 * the next redraw, so a chatty job costs one redraw per tick, not one per line.
 */
export function liveView(s: ViewSetup & { readonly colour: boolean; readonly columns: number; readonly errorsToo: boolean }): View {
  const events: RunEvent[] = [];
  let pending: string[] = [];
  let drawn = 0;
  let now = 0;
  let ended = 0;
  let over = false;
  const draw = (): void => {
    // A wrapped line would throw off the count of lines to move back over.
    const lines = frame({ ...s, events, now }).map((l) => (l.includes('\x1b') ? l : l.slice(0, s.columns - 1)));
    const above = pending.length === 0 ? '' : `${pending.join('\n')}\n`;
    pending = [];
    // Move up over the previous frame and clear it, print the new output, then the new frame.
    s.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${above}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  s.write('\x1b[?25l');
  return {
    event(e) {
      events.push(e);
      now = Math.max(now, e.at);
      if (e.kind === 'ends') ended++;
      over ||= ended === s.jobs.length;
      draw();
    },
    output(line, stream) {
      if (stream === 'stderr' && !s.errorsToo) s.writeError(`${line}\n`);
      else pending.push(line);
    },
    tick(t) {
      if (!over) now = Math.max(now, t);
      draw();
    },
    finish() {
      if (events.length > 0) now = Math.max(now, events[events.length - 1]!.at);
      draw();
      s.write('\x1b[?25h');
    },
  };
}

interface FrameInput extends Pick<RunRecord, 'jobs' | 'laneType' | 'members'> {
  readonly events: readonly RunEvent[];
  readonly now: number;
  readonly colour: boolean;
}

/** The live picture at `now`: an axis, a lane per member or slot, a lane per waiting job, who runs, waits and is done, the log. */
export function frame(f: FrameInput): string[] {
  const all = stories(f);
  const span = niceAbove(Math.max(f.now * 1.1, 1000));
  const perColumn = span / CHART_COLUMNS;
  /** A running job is white text on its colour; a wait is hatching in the job's colour. */
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
  const lanes = lanesOf(f, all);
  const width = Math.max(6, ...lanes.slice(0, MAX_LANES).map((l) => l.length));

  const step = tickStep(span, 6);
  let axis = ' '.repeat(CHART_COLUMNS + width + 6);
  for (let t = 0; t <= span; t += step) {
    const col = width + 3 + Math.round(t / perColumn);
    const label = tickLabel(t, step);
    if (col + label.length <= axis.length) axis = axis.slice(0, col) + label + axis.slice(col + label.length);
  }
  const running = all.filter((s) => s.started >= 0 && s.ended < 0);
  const waiting = all.filter((s) => s.started < 0 && s.ended < 0 && s.waitedFrom >= 0);
  const done = all.filter((s) => s.ended >= 0);
  const lines = [`${count(f.jobs.length, 'job')}: ${running.length} running, ${waiting.length} waiting, ${done.length} done        t = ${ms(f.now)}`, '', axis.trimEnd()];
  for (const name of lanes.slice(0, MAX_LANES)) {
    const holds = all.filter((s) => s.lanes.includes(name));
    lines.push(`  ${name.padEnd(width)}|${lane((t) => holds.find((s) => s.started <= t && t < until(s.ended)), f.colour ? ' ' : '=')}|`);
  }
  if (lanes.length > MAX_LANES) lines.push(`  ${count(lanes.length - MAX_LANES, 'more lane')}`);
  const waited = all.filter((x) => x.waitedFrom >= 0);
  // The waits still going are the ones worth a lane; finished ones fill what room is left.
  const waitLanes = [...waited.filter((x) => x.started < 0 && x.ended < 0), ...waited.filter((x) => x.started >= 0 || x.ended >= 0).reverse()].slice(0, MAX_WAIT_LANES);
  for (const s of waited.filter((x) => waitLanes.includes(x))) {
    const end = s.started >= 0 ? s.started : s.ended;
    lines.push(`  ${'wait'.padEnd(width)}|${lane((t) => (s.waitedFrom <= t && t < until(end) ? s : undefined), '░').replaceAll('·', ' ')}| ${s.job}`);
  }
  lines.push('');
  for (const member of f.members ?? []) {
    const holder = running.find((s) => s.lanes.includes(member));
    lines.push(`  ${member.padEnd(width)}${holder === undefined ? 'free' : `${holder.job} since ${ms(holder.started)} (${ms(f.now - holder.started)} so far)`}`);
  }
  const listed = (list: string[]): string => (list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`);
  const memberless = running.filter((s) => !(f.members ?? []).some((m) => s.lanes.includes(m)));
  if (f.members === undefined || memberless.length > 0) {
    lines.push(`  running  ${memberless.length === 0 ? 'nothing' : listed(memberless.map((s) => `${s.job} (${ms(f.now - s.started)} so far)`))}`);
  }
  lines.push(`  waiting  ${waiting.length === 0 ? 'nobody' : listed(waiting.map((s) => `${s.job} since ${ms(s.waitedFrom)} (${s.reason ?? 'queued'})`))}`);
  lines.push(`  done     ${done.length === 0 ? 'nothing yet' : listed(done.map((s) => `${s.job} ${outcome(s)}`))}`);
  lines.push('');
  const history = new EventHistory(f.events);
  for (const e of f.events.slice(-LOG_LINES)) lines.push(`  ${eventLine(e, history)}`);
  return lines;
}

/** The next round span (1, 2 or 5 times a power of ten) at or above `t`: the chart rescales in steps, not every frame. */
function niceAbove(t: number): number {
  const power = 10 ** Math.floor(Math.log10(t));
  for (const f of [1, 2, 5, 10]) if (f * power >= t) return f * power;
  return 10 * power;
}
