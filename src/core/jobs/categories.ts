import { input, refuse, words } from '../errors.js';
import { RenewingMap } from '../../lib/renewing-map.js';

/** A job: `<category>#<n>`, numbered from 1 per category in submission order. */
export interface Job {
  readonly category: string;
  readonly id: string;
  /** Who submitted it, so a later start can be announced to them. */
  readonly src: string;
  readonly via: string;
}

/** Who submitted a batch of jobs. */
export interface Submitter {
  readonly src: string;
  readonly via: string;
}

// Waiting jobs are kept as runs of consecutive numbers, one per submit_job request, so
// that `jobs: 100000` costs one entry rather than a hundred thousand.
interface Run extends Submitter {
  first: number;
  count: number;
}

class Category {
  /** Running jobs by number, each with its batch's run: no per-job record is kept. */
  readonly running = new RenewingMap<number, Run>();
  readonly runs: Run[] = [];
  runHead = 0;
  waiting = 0;
  next = 1;
  constructor(
    readonly name: string,
    public limit: number,
  ) {}

  /** Starts waiting jobs, oldest first, while the cap allows. */
  startWaiting(announce = true): Job[] {
    const started: Job[] = [];
    while (this.running.size < this.limit && this.waiting > 0) {
      const run = this.runs[this.runHead]!;
      const n = run.first++;
      run.count--;
      this.waiting--;
      if (run.count === 0) this.dropRun();
      this.running.set(n, run);
      if (announce) started.push(this.job(n, run));
    }
    return started;
  }

  job(n: number, run: Submitter): Job {
    // JSON.stringify, not a template: a template converts through V8's number-to-string
    // cache, which would keep every job number's text alive long enough to be promoted.
    return { category: this.name, id: `${this.name}#${JSON.stringify(n)}`, src: run.src, via: run.via };
  }

  private dropRun(): void {
    this.runs[this.runHead++] = undefined as unknown as Run;
    if (this.runHead > 64 && this.runHead * 2 > this.runs.length) {
      this.runs.splice(0, this.runHead);
      this.runHead = 0;
    }
  }

  isWaiting(n: number): boolean {
    for (let i = this.runHead; i < this.runs.length; i++) {
      const r = this.runs[i]!;
      if (n >= r.first && n < r.first + r.count) return true;
    }
    return false;
  }
}

export interface SubmitResult {
  /** How many of this request's jobs had to wait. */
  readonly queued: number;
  readonly running: number;
  readonly waiting: number;
  /** Jobs of earlier requests started because the cap was raised (they are announced). */
  readonly startedEarlier: readonly Job[];
}

export interface CompleteResult {
  readonly jobId: string;
  readonly running: number;
  readonly waiting: number;
  readonly started: readonly Job[];
}

export interface CategoryStatus {
  readonly limit: number;
  readonly running: number;
  readonly waiting: number;
}

/** A category as plain data: running jobs `[n, src, via]` oldest first, waiting runs `[first, count, src, via]`. */
export interface CategoryRecord {
  readonly name: string;
  readonly limit: number;
  readonly next: number;
  readonly running: readonly (readonly [number, string, string])[];
  readonly waiting: readonly (readonly [number, number, string, string])[];
}

/** Most categories kept: a new one past this many is refused (limit). */
export const MAX_CATEGORIES = 10_000;

/** Job categories with concurrency caps (submit_job, complete_job). */
export class Categories {
  private readonly byName = new Map<string, Category>();
  private waitingTotal = 0;
  private runningTotal = 0;

  /**
   * @param maxWaiting most jobs waiting, over all categories
   * @param maxJobs most jobs kept, running and waiting, over all categories
   */
  constructor(
    private readonly maxWaiting: number,
    private readonly maxJobs = Infinity,
  ) {}

  /** The concurrency limit of category `name`, if there is one. */
  limitOf(name: string): number | undefined {
    return this.byName.get(name)?.limit;
  }

  /** Jobs kept now: running and waiting, over all categories. */
  get jobs(): number {
    return this.runningTotal + this.waitingTotal;
  }

  submit(name: string, limit: number | undefined, jobs: number, who: Submitter): SubmitResult {
    const existing = this.byName.get(name);
    const cap = limit ?? existing?.limit;
    if (cap === undefined) {
      throw refuse.invalid(words`${input('concurrencyLimit')} is required for the new category ${JSON.stringify(name)}`);
    }
    // Work out the outcome before touching anything, so a refused batch changes nothing.
    const running = existing?.running.size ?? 0;
    const waiting = existing?.waiting ?? 0;
    const earlierStart = Math.min(waiting, Math.max(0, cap - running));
    const startNow = Math.min(jobs, Math.max(0, cap - running - earlierStart));
    const queued = jobs - startNow;
    if (queued > 0 && this.waitingTotal - earlierStart + queued > this.maxWaiting) {
      throw refuse.limit(`job queue is full: ${this.waitingTotal} jobs waiting, limit ${this.maxWaiting}`);
    }
    if (jobs > 0 && this.jobs + jobs > this.maxJobs) {
      throw refuse.limit(`too many jobs: ${this.jobs} kept (running and waiting), ${jobs} more would pass the limit ${this.maxJobs}`);
    }
    if (existing === undefined && this.byName.size >= MAX_CATEGORIES) {
      throw refuse.limit(`too many categories: ${this.byName.size} known, limit ${MAX_CATEGORIES}`);
    }
    let c = existing;
    if (c === undefined) {
      c = new Category(name, cap);
      this.byName.set(name, c);
    }
    c.limit = cap;
    const startedEarlier = c.startWaiting();
    if (jobs > 0) {
      c.runs.push({ src: who.src, via: who.via, first: c.next, count: jobs });
      c.next += jobs;
      c.waiting += jobs;
      // A submitter's own jobs are counted in the reply, not announced one by one.
      c.startWaiting(false);
    }
    this.waitingTotal += queued - earlierStart;
    this.runningTotal += startNow + earlierStart;
    return { queued, running: c.running.size, waiting: c.waiting, startedEarlier };
  }

  complete(name: string, jobId: string | undefined): CompleteResult {
    const c = this.byName.get(name);
    if (c === undefined) throw refuse.unknown(`no category ${JSON.stringify(name)}`);
    let n: number;
    if (jobId === undefined) {
      const oldest = c.running.keys().next();
      if (oldest.done === true) throw refuse.conflict(`category ${JSON.stringify(name)} has no running job`);
      n = oldest.value;
    } else {
      n = jobNumber(name, jobId);
      if (!(n >= 1 && n < c.next)) throw refuse.unknown(`no job ${JSON.stringify(jobId)} in category ${JSON.stringify(name)}`);
      if (!c.running.has(n)) {
        const why = c.isWaiting(n) ? 'is waiting, not running' : 'has already completed';
        throw refuse.conflict(`job ${JSON.stringify(jobId)} ${why}`);
      }
    }
    const job = c.job(n, c.running.get(n)!);
    c.running.delete(n);
    const before = c.waiting;
    const started = c.startWaiting();
    this.waitingTotal -= before - c.waiting;
    this.runningTotal += started.length - 1;
    return { jobId: job.id, running: c.running.size, waiting: c.waiting, started };
  }

  /** Every category as plain data, in the order they were made: for a store (src/core/snapshot.ts). */
  save(): CategoryRecord[] {
    const out: CategoryRecord[] = [];
    for (const c of this.byName.values()) {
      const running: [number, string, string][] = [];
      for (const n of c.running.keys()) {
        const run = c.running.get(n)!;
        running.push([n, run.src, run.via]);
      }
      const waiting = c.runs.slice(c.runHead).map((r): [number, number, string, string] => [r.first, r.count, r.src, r.via]);
      out.push({ name: c.name, limit: c.limit, next: c.next, running, waiting });
    }
    return out;
  }

  /** Adds categories saved by `save`, to an empty set of categories. */
  load(records: readonly CategoryRecord[]): void {
    for (const r of records) {
      const c = new Category(r.name, r.limit);
      c.next = r.next;
      for (const [n, src, via] of r.running) c.running.set(n, { src, via, first: n, count: 0 });
      for (const [first, count, src, via] of r.waiting) {
        c.runs.push({ src, via, first, count });
        c.waiting += count;
      }
      this.byName.set(r.name, c);
      this.runningTotal += c.running.size;
      this.waitingTotal += c.waiting;
    }
  }

  status(): Map<string, CategoryStatus> {
    const out = new Map<string, CategoryStatus>();
    for (const c of this.byName.values()) out.set(c.name, { limit: c.limit, running: c.running.size, waiting: c.waiting });
    return out;
  }
}

/** The number in `<category>#<n>`, or NaN when `jobId` is not a job of `category`. */
function jobNumber(category: string, jobId: string): number {
  const prefix = `${category}#`;
  if (!jobId.startsWith(prefix)) return NaN;
  const digits = jobId.slice(prefix.length);
  return /^[1-9][0-9]{0,15}$/.test(digits) ? Number(digits) : NaN;
}
