import { count, jobColour, lanesOf, ms, stories, tickLabel, tickStep, type JobStory, type RunRecord } from './timeline.js';

const WIDTH = 960;
const LEFT = 104;
const RIGHT = 36;
const TOP = 108;
const LANE = 48;
const BAR = 32;
const WAIT_ROW = 30;
const WAIT_BAR = 18;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
/** The outline of a job that did not complete. */
const FAILED = '#c0392b';

/**
 * The run as an SVG timeline: one lane per member of the lane type (each robot), or per slot
 * when jobs hold no members, with a labelled bar per job that ran there (a red outline when
 * it did not complete), hatched bars (one row per overlapping wait) for the time jobs spent
 * waiting, a dashed line from each wait's end to the start it ended in, and a time axis.
 */
export function timelineSvg(run: RunRecord): string {
  const every = stories(run);
  const all = every.filter((s) => s.started >= 0 && s.ended >= 0);
  const lanes = lanesOf(run, all);
  const last = Math.max(1, ...every.map((s) => s.ended));
  const step = tickStep(last, 8);
  const end = Math.ceil(last / step) * step;
  const x = (t: number) => LEFT + (t / end) * (WIDTH - LEFT - RIGHT);
  const laneY = (i: number) => TOP + i * LANE;
  const waits = waitRows(every.filter((s) => s.waitedFrom >= 0 && (s.started >= 0 || s.ended >= 0)));
  const waitTop = laneY(lanes.length) + 14;
  const waitRowCount = Math.max(1, ...waits.map((w) => w.row + 1));
  const axisY = waitTop + waitRowCount * WAIT_ROW + 14;
  const height = axisY + 52;
  const colourOf = (s: JobStory) => jobColour(run.jobs.indexOf(s.job));

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`);
  out.push('<defs>');
  for (const s of every) {
    out.push(
      `<pattern id="hatch-${esc(s.job)}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
        `<rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="${colourOf(s)}" stroke-width="3"/></pattern>`,
    );
  }
  out.push('</defs>');
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);

  // Title, and a legend that says what the two kinds of bar mean.
  const waited = waits.length;
  const ended = (status: string) => every.filter((x) => x.status === status).length;
  const outcomes = ['completed', 'failed', 'killed', 'cancelled', 'refused'].filter((st) => ended(st) > 0).map((st) => `${ended(st)} ${st}`);
  const thing = run.laneType ?? 'resource';
  out.push(`<text x="24" y="34" font-size="19" font-weight="bold" fill="#1d1d1d">${esc(run.title ?? `${count(run.jobs.length, 'job')} on ${count(lanes.length, run.laneType === undefined ? 'slot' : run.laneType)}`)}</text>`);
  out.push(`<text x="24" y="58" font-size="13" fill="#555555">resource-run · ${esc(outcomes.join(', ') || 'nothing ended')} · ${count(all.length - all.filter((x) => x.waitedFrom >= 0).length, 'job')} started at once, ${waited} waited for a ${esc(thing)}</text>`);
  out.push(`<rect x="24" y="72" width="22" height="12" rx="3" fill="${jobColour(0)}"/><text x="52" y="82" font-size="12" fill="#333333">runs (start to exit)</text>`);
  // The wait swatch looks like the first wait bar below, so it uses that job's hatching.
  const firstWait = waits[0]?.story ?? every[0];
  const waitColour = firstWait === undefined ? jobColour(0) : colourOf(firstWait);
  out.push(`<rect x="290" y="72" width="22" height="12" rx="3" fill="url(#hatch-${esc(firstWait?.job ?? '')})" stroke="${waitColour}" stroke-dasharray="3 2"/><text x="318" y="82" font-size="12" fill="#333333">waits: queued by the node</text>`);
  if (every.some((x) => x.started >= 0 && x.status !== undefined && x.status !== 'completed')) out.push(`<rect x="520" y="72" width="22" height="12" rx="3" fill="#eeeeee" stroke="${FAILED}" stroke-width="2.5"/><text x="548" y="82" font-size="12" fill="#333333">did not complete (failed or killed)</text>`);

  // Lane backgrounds and the grid behind the bars.
  for (let i = 0; i < lanes.length; i++) {
    const name = lanes[i]!;
    out.push(`<g class="lane" data-lane="${esc(name)}">`);
    out.push(`<rect x="${LEFT}" y="${laneY(i)}" width="${WIDTH - LEFT - RIGHT}" height="${LANE - 4}" rx="4" fill="${i % 2 === 0 ? '#f3f5f8' : '#eaeef3'}"/>`);
    out.push(`<text x="${LEFT - 14}" y="${laneY(i) + LANE / 2 + 3}" font-size="14" font-weight="bold" text-anchor="end" fill="#1d1d1d">${run.laneType === undefined || name.startsWith('slot ') ? '' : `${esc(run.laneType)} `}${esc(name)}</text>`);
    out.push('</g>');
  }
  out.push(`<text x="${LEFT - 14}" y="${waitTop + WAIT_ROW / 2 + 5}" font-size="14" text-anchor="end" fill="#555555">waiting</text>`);
  out.push(`<line x1="${LEFT}" y1="${waitTop - 7}" x2="${WIDTH - RIGHT}" y2="${waitTop - 7}" stroke="#d0d5dc"/>`);
  for (let t = 0; t <= end + step / 2; t += step) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${TOP - 6}" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="#dde1e6" stroke-width="1"/>`);
  }

  // Bars: who ran where, and who waited.
  for (const s of all) {
    const x0 = x(s.started);
    const w = Math.max(2, x(s.ended) - x0);
    const bad = s.status !== 'completed';
    out.push(`<g class="job" data-job="${esc(s.job)}" data-status="${esc(s.status ?? '')}">`);
    out.push(`<title>${esc(s.job)} runs on ${esc(s.lanes.join(', '))} from ${ms(s.started)} to ${ms(s.ended)}: ${esc(s.status ?? '')}${s.detail === undefined ? '' : ` (${esc(s.detail)})`}</title>`);
    for (const name of s.lanes) {
      const y = laneY(lanes.indexOf(name)) + (LANE - 4 - BAR) / 2;
      const outline = bad ? ` stroke="${FAILED}" stroke-width="3"` : '';
      out.push(`<rect class="job-bar" data-job="${esc(s.job)}" data-lane="${esc(name)}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" rx="5" fill="${colourOf(s)}"${outline}/>`);
      out.push(barLabel(s.job, bad ? `${s.detail ?? s.status}` : ms(s.ended - s.started), x0, y + BAR / 2 + 5, w, '#ffffff'));
    }
    out.push('</g>');
  }
  for (const { story: s, row } of waits) {
    const y = waitTop + row * WAIT_ROW + (WAIT_ROW - WAIT_BAR) / 2;
    const x0 = x(s.waitedFrom);
    const until = s.started >= 0 ? s.started : s.ended;
    const x1 = x(until);
    const w = Math.max(2, x1 - x0);
    const lane = s.lanes.length === 0 ? -1 : lanes.indexOf(s.lanes[0]!);
    out.push(`<g class="wait" data-job="${esc(s.job)}">`);
    out.push(`<title>${esc(s.job)} waits from ${ms(s.waitedFrom)} to ${ms(until)}${s.reason === undefined ? '' : `: ${esc(s.reason)}`}</title>`);
    out.push(`<rect class="wait-bar" data-job="${esc(s.job)}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${WAIT_BAR}" rx="3" fill="url(#hatch-${esc(s.job)})" stroke="${colourOf(s)}" stroke-dasharray="4 3"/>`);
    if (lane >= 0) out.push(`<line x1="${x1.toFixed(1)}" y1="${y}" x2="${x1.toFixed(1)}" y2="${laneY(lane) + (LANE - 4 + BAR) / 2}" stroke="${colourOf(s)}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    out.push(barLabel(`${s.job} waits`, ms(until - s.waitedFrom), x0, y + WAIT_BAR / 2 + 4, w, '#1d1d1d', true));
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
      rowEnds[row] = story.started >= 0 ? story.started : story.ended;
      return { story, row };
    });
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
