/** How a job ended: the `job_status` its release carries, or why it never ran. */
export type JobStatus = 'completed' | 'failed' | 'killed' | 'cancelled' | 'refused';

/** What happened to a job: it waited (queued), started (granted and spawned), was told to stop, ended. */
export type RunEventKind = 'waits' | 'starts' | 'stops' | 'ends';

/** One moment of a run; `at` is milliseconds since the jobs were submitted. */
export interface RunEvent {
  readonly at: number;
  readonly job: string;
  readonly kind: RunEventKind;
  /** waits: why (the node's reason); stops: what stopped it (timeout, lease expired, ...). */
  readonly reason?: string;
  /** starts: the members it holds, by pool type (`{"robot": ["r1"]}`), as the grant named them. */
  readonly members?: Readonly<Record<string, readonly string[]>>;
  /** starts: the process (and group) id. */
  readonly pid?: number;
  /** ends: how. */
  readonly status?: JobStatus;
  /** ends: `exit 3`, `SIGTERM`, or the node's refusal. */
  readonly detail?: string;
}

/** One job's story, derived from the events. Times are ms since submission; -1 = not yet. */
export interface JobStory {
  readonly job: string;
  /** When the node answered `queued`, or -1 if the job never waited. */
  readonly waitedFrom: number;
  readonly started: number;
  readonly ended: number;
  /** The lanes it ran on: its members, or else one slot found by packing. */
  readonly lanes: readonly string[];
  readonly status: JobStatus | undefined;
  readonly detail: string | undefined;
  /** Why it was stopped, if it was. */
  readonly stopped: string | undefined;
  readonly pid: number | undefined;
  readonly reason: string | undefined;
}

/** The whole run, as the views and the picture need it. */
export interface RunRecord {
  readonly jobs: readonly string[];
  /** A pool type whose members are lanes (`robot`), with its members in order; jobs without members go on slots below. */
  readonly laneType?: string;
  readonly members?: readonly string[];
  readonly events: readonly RunEvent[];
  /** The picture's title; a count of jobs and outcomes when absent. */
  readonly title?: string;
}

/** Each job's story, in job order; jobs that hold no member of the lane type are packed onto `slot N` lanes. One pass over the events. */
export function stories(run: Pick<RunRecord, 'jobs' | 'events' | 'laneType'>): JobStory[] {
  type Mutable = { -readonly [K in keyof JobStory]: JobStory[K] };
  const byJob = new Map<string, Mutable>();
  for (const job of run.jobs) byJob.set(job, { job, waitedFrom: -1, started: -1, ended: -1, lanes: [], status: undefined, detail: undefined, stopped: undefined, pid: undefined, reason: undefined });
  for (const e of run.events) {
    const s = byJob.get(e.job);
    if (s === undefined) continue;
    if (e.kind === 'waits') {
      s.waitedFrom = e.at;
      s.reason = e.reason;
    } else if (e.kind === 'starts') {
      s.started = e.at;
      s.lanes = run.laneType === undefined ? [] : (e.members?.[run.laneType] ?? []);
      s.pid = e.pid;
    } else if (e.kind === 'stops') s.stopped ??= e.reason;
    else {
      s.ended = e.at;
      s.status = e.status;
      s.detail = e.detail;
    }
  }
  const all: JobStory[] = run.jobs.map((job) => byJob.get(job)!);
  // Slots: in order of starting, each job takes the lowest slot free at its start.
  const slotEnds: number[] = [];
  const order = all.filter((s) => s.started >= 0 && s.lanes.length === 0).sort((a, b) => a.started - b.started);
  const slot = new Map<string, string>();
  for (const s of order) {
    let i = slotEnds.findIndex((end) => end >= 0 && end <= s.started);
    if (i < 0) i = slotEnds.length;
    slotEnds[i] = s.ended;
    slot.set(s.job, `slot ${i + 1}`);
  }
  return all.map((s) => (slot.has(s.job) ? { ...s, lanes: [slot.get(s.job)!] } : s));
}

/** The lanes of a picture: the members in order, then the slots the stories use. */
export function lanesOf(run: Pick<RunRecord, 'members'>, all: readonly JobStory[]): string[] {
  const slots = new Set<string>();
  for (const s of all) for (const l of s.lanes) if (l.startsWith('slot ')) slots.add(l);
  const sorted = [...slots].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return [...(run.members ?? []), ...sorted];
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

/** How a job ended, in a few words: `completed`, `failed (exit 3)`, `killed (SIGTERM, timeout)`. */
export function outcome(s: Pick<JobStory, 'status' | 'detail' | 'stopped'>): string {
  if (s.status === undefined) return 'running';
  if (s.status === 'completed') return 'completed';
  const why = [s.detail, s.stopped].filter((x) => x !== undefined && x !== '');
  return why.length === 0 ? s.status : `${s.status} (${why.join(', ')})`;
}

/** Each job's latest event of each kind, so that telling an event does not search them all. */
export class EventHistory {
  private readonly latest = new Map<string, Partial<Record<RunEventKind, RunEvent>>>();

  constructor(events: readonly RunEvent[] = []) {
    for (const e of events) this.add(e);
  }

  add(e: RunEvent): void {
    const kinds = this.latest.get(e.job) ?? {};
    kinds[e.kind] = e;
    this.latest.set(e.job, kinds);
  }

  /** The job's latest event of `kind` at or before `e`. */
  before(e: RunEvent, kind: RunEventKind): RunEvent | undefined {
    const x = this.latest.get(e.job)?.[kind];
    return x !== undefined && x.at <= e.at ? x : undefined;
  }
}

/** The sentence that tells an event, e.g. `job3 starts on robot r1 after waiting 1501 ms (pid 4242)`. */
export function describeEvent(e: RunEvent, history: EventHistory): string {
  const earlier = (kind: RunEventKind) => history.before(e, kind);
  switch (e.kind) {
    case 'waits':
      return `${e.job} waits: ${e.reason ?? 'queued'}`;
    case 'starts': {
      const waited = earlier('waits');
      const held = Object.entries(e.members ?? {}).map(([type, names]) => `${type} ${names.join(',')}`);
      const on = held.length === 0 ? '' : ` on ${held.join(', ')}`;
      const pid = e.pid === undefined || e.pid < 0 ? '' : ` (pid ${e.pid})`;
      return `${e.job} starts${on}${waited === undefined ? '' : ` after waiting ${ms(e.at - waited.at)}`}${pid}`;
    }
    case 'stops':
      return `${e.job} is stopped: ${e.reason} (SIGTERM to its process group)`;
    case 'ends': {
      const start = earlier('starts');
      const after = start === undefined ? '' : ` after ${ms(e.at - start.at)}`;
      switch (e.status) {
        case 'completed':
          return `${e.job} completed${after}`;
        case 'failed':
          return `${e.job} failed with ${e.detail}${after}`;
        case 'killed': {
          const stop = earlier('stops');
          return `${e.job} was killed by ${e.detail}${after}${stop === undefined ? '' : ` (${stop.reason})`}`;
        }
        case 'cancelled':
          return `${e.job} cancelled before it started${e.detail === undefined ? '' : ` (${e.detail})`}`;
        default:
          return `${e.job} refused by the node: ${e.detail}`;
      }
    }
  }
}

/** One plain event line, e.g. `[  1503 ms] job1 completed after 1501 ms`. */
export function eventLine(e: RunEvent, history: EventHistory): string {
  return `[${ms(e.at).padStart(8)}] ${describeEvent(e, history)}`;
}

/** `1 job`, `3 jobs`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
