import type { JobResult } from './runner.js';
import { count, ms } from './timeline.js';

/** The table printed at the end: one row per job, then a count per status. */
export function summaryTable(results: readonly JobResult[]): string {
  const rows = [['job', 'status', 'how', 'waited', 'ran']];
  for (const r of results) {
    const how = [r.detail, r.stopped === undefined ? undefined : `stopped: ${r.stopped}`].filter((x) => x !== undefined).join('; ');
    rows.push([r.job.name, r.status, how, ms(r.waitedMs), r.status === 'cancelled' || r.status === 'refused' ? '-' : ms(r.ranMs)]);
  }
  const right = new Set([3, 4]);
  // Times get room for five digits, so the header does not move with them from run to run.
  const widths = rows[0]!.map((_, c) => Math.max(right.has(c) ? 8 : 0, ...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  const by = new Map<string, number>();
  for (const r of results) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  lines.push('', `${count(results.length, 'job')}: ${[...by].map(([status, n]) => `${n} ${status}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
