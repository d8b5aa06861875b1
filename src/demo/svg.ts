import { count, jobColour, ms, stories, tickLabel, tickStep, type DemoRun, type JobStory } from './timeline.js';

const WIDTH = 960;
const LEFT = 104;
const RIGHT = 36;
const TOP = 108;
const LANE = 48;
const BAR = 32;
const WAIT_ROW = 30;
const WAIT_BAR = 18;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/**
 * The run as an SVG timeline: one lane per robot with a labelled bar per job that held it,
 * hatched bars (one row per overlapping wait) for the time jobs spent waiting, a dashed
 * line from each wait's end to the check-out it ended in, and a time axis.
 */
export function timelineSvg(run: DemoRun): string {
  const all = stories(run).filter((s) => s.checkedOut >= 0 && s.checkedIn >= 0 && s.robot !== undefined);
  const last = Math.max(1, ...all.map((s) => s.checkedIn));
  const step = tickStep(last, 8);
  const end = Math.ceil(last / step) * step;
  const x = (t: number) => LEFT + (t / end) * (WIDTH - LEFT - RIGHT);
  const laneY = (i: number) => TOP + i * LANE;
  const waits = waitRows(all.filter((s) => s.waitedFrom >= 0));
  const waitTop = laneY(run.robots.length) + 14;
  const waitRowCount = Math.max(1, ...waits.map((w) => w.row + 1));
  const axisY = waitTop + waitRowCount * WAIT_ROW + 14;
  const height = axisY + 52;
  const colourOf = (s: JobStory) => jobColour(run.jobs.indexOf(s.job));

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`);
  out.push('<defs>');
  for (const s of all) {
    out.push(
      `<pattern id="hatch-${esc(s.job)}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
        `<rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="${colourOf(s)}" stroke-width="3"/></pattern>`,
    );
  }
  out.push('</defs>');
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);

  // Title, and a legend that says what the two kinds of bar mean.
  const waited = all.filter((s) => s.waitedFrom >= 0).length;
  out.push(`<text x="24" y="34" font-size="19" font-weight="bold" fill="#1d1d1d">${count(run.jobs.length, 'job')}, ${count(run.robots.length, 'robot')}: each job checks out one robot for ${ms(run.jobMs)}</text>`);
  out.push(`<text x="24" y="58" font-size="13" fill="#555555">resource-node demo · ${count(all.length - waited, 'job')} started at once, ${waited} waited for a robot to come back</text>`);
  out.push(`<rect x="24" y="72" width="22" height="12" rx="3" fill="${jobColour(0)}"/><text x="52" y="82" font-size="12" fill="#333333">holds a robot (check-out to check-in)</text>`);
  // The wait swatch looks like the first wait bar below, so it uses that job's hatching.
  const firstWait = all.find((s) => s.waitedFrom >= 0) ?? all[0];
  const waitColour = firstWait === undefined ? jobColour(0) : colourOf(firstWait);
  out.push(`<rect x="290" y="72" width="22" height="12" rx="3" fill="url(#hatch-${esc(firstWait?.job ?? '')})" stroke="${waitColour}" stroke-dasharray="3 2"/><text x="318" y="82" font-size="12" fill="#333333">waits: queued, every robot busy</text>`);

  // Lane backgrounds and the grid behind the bars.
  for (let i = 0; i < run.robots.length; i++) {
    const robot = run.robots[i]!;
    out.push(`<g class="lane" data-robot="${esc(robot)}">`);
    out.push(`<rect x="${LEFT}" y="${laneY(i)}" width="${WIDTH - LEFT - RIGHT}" height="${LANE - 4}" rx="4" fill="${i % 2 === 0 ? '#f3f5f8' : '#eaeef3'}"/>`);
    out.push(`<text x="${LEFT - 14}" y="${laneY(i) + LANE / 2 + 3}" font-size="14" font-weight="bold" text-anchor="end" fill="#1d1d1d">robot ${esc(robot)}</text>`);
    out.push('</g>');
  }
  out.push(`<text x="${LEFT - 14}" y="${waitTop + WAIT_ROW / 2 + 5}" font-size="14" text-anchor="end" fill="#555555">waiting</text>`);
  out.push(`<line x1="${LEFT}" y1="${waitTop - 7}" x2="${WIDTH - RIGHT}" y2="${waitTop - 7}" stroke="#d0d5dc"/>`);
  for (let t = 0; t <= end + step / 2; t += step) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${TOP - 6}" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="#dde1e6" stroke-width="1"/>`);
  }

  // Bars: who held which robot, and who waited.
  for (const s of all) {
    const lane = run.robots.indexOf(s.robot!);
    const y = laneY(lane) + (LANE - 4 - BAR) / 2;
    const x0 = x(s.checkedOut);
    const w = Math.max(2, x(s.checkedIn) - x0);
    out.push(`<g class="job" data-job="${esc(s.job)}">`);
    out.push(`<title>${esc(s.job)} holds robot ${esc(s.robot!)} from ${ms(s.checkedOut)} to ${ms(s.checkedIn)}</title>`);
    out.push(`<rect class="job-bar" data-job="${esc(s.job)}" data-robot="${esc(s.robot!)}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" rx="5" fill="${colourOf(s)}"/>`);
    out.push(barLabel(s.job, ms(s.checkedIn - s.checkedOut), x0, y + BAR / 2 + 5, w, '#ffffff'));
    out.push('</g>');
  }
  for (const { story: s, row } of waits) {
    const y = waitTop + row * WAIT_ROW + (WAIT_ROW - WAIT_BAR) / 2;
    const x0 = x(s.waitedFrom);
    const x1 = x(s.checkedOut);
    const w = Math.max(2, x1 - x0);
    const lane = run.robots.indexOf(s.robot!);
    out.push(`<g class="wait" data-job="${esc(s.job)}">`);
    out.push(`<title>${esc(s.job)} waits from ${ms(s.waitedFrom)} to ${ms(s.checkedOut)}</title>`);
    out.push(`<rect class="wait-bar" data-job="${esc(s.job)}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${WAIT_BAR}" rx="3" fill="url(#hatch-${esc(s.job)})" stroke="${colourOf(s)}" stroke-dasharray="4 3"/>`);
    out.push(`<line x1="${x1.toFixed(1)}" y1="${y}" x2="${x1.toFixed(1)}" y2="${laneY(lane) + (LANE - 4 + BAR) / 2}" stroke="${colourOf(s)}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    out.push(barLabel(`${s.job} waits`, ms(s.checkedOut - s.waitedFrom), x0, y + WAIT_BAR / 2 + 4, w, '#1d1d1d', true));
    out.push('</g>');
  }

  // The time axis.
  out.push(`<g class="axis">`);
  out.push(`<line x1="${LEFT}" y1="${axisY}" x2="${WIDTH - RIGHT}" y2="${axisY}" stroke="#555555"/>`);
  for (let t = 0; t <= end + step / 2; t += step) {
    out.push(`<line class="tick" x1="${x(t).toFixed(1)}" y1="${axisY}" x2="${x(t).toFixed(1)}" y2="${axisY + 6}" stroke="#555555"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 21}" font-size="12" text-anchor="middle" fill="#333333">${tickLabel(t, step)}</text>`);
  }
  out.push(`<text x="${WIDTH - RIGHT}" y="${axisY + 40}" font-size="12" text-anchor="end" fill="#555555">time since the jobs were submitted</text>`);
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** `job1  1501 ms` inside a bar when it fits, the name alone when only that fits, else nothing. */
function barLabel(name: string, detail: string, x0: number, baseline: number, width: number, fill: string, onLight = false): string {
  // About 7 px per character at 12-13 px; good enough to decide what fits.
  const full = (name.length + detail.length + 2) * 7 + 16;
  const short = name.length * 7.5 + 12;
  const weight = onLight ? '' : ' font-weight="bold"';
  // On a hatched bar a white plate behind the text keeps it readable.
  const plate = (chars: number) => (onLight ? `<rect x="${(x0 + 4).toFixed(1)}" y="${baseline - 12}" width="${chars * 7 + 8}" height="16" rx="3" fill="#ffffff" fill-opacity="0.92"/>` : '');
  if (width >= full) {
    return `${plate(name.length + detail.length + 1)}<text x="${(x0 + 8).toFixed(1)}" y="${baseline}" font-size="13"${weight} fill="${fill}">${esc(name)}<tspan font-weight="normal" fill-opacity="0.85" dx="8">${esc(detail)}</tspan></text>`;
  }
  if (width >= short) return `${plate(name.length)}<text x="${(x0 + 6).toFixed(1)}" y="${baseline}" font-size="13"${weight} fill="${fill}">${esc(name)}</text>`;
  return '';
}

/** Packs waits into rows so that no two overlap in one row (first row that is free). */
function waitRows(waiting: readonly JobStory[]): { story: JobStory; row: number }[] {
  const rowEnds: number[] = [];
  return [...waiting]
    .sort((a, b) => a.waitedFrom - b.waitedFrom)
    .map((story) => {
      let row = rowEnds.findIndex((e) => e <= story.waitedFrom);
      if (row < 0) row = rowEnds.length;
      rowEnds[row] = story.checkedOut;
      return { story, row };
    });
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
