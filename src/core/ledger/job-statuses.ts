/**
 * Distinct job_status strings counted by name; releases with a status first seen after
 * that many are counted together under OTHER_JOB_STATUS, so memory stays bounded.
 */
export const JOB_STATUSES_COUNTED = 1000;
export const OTHER_JOB_STATUS = '(other)';

/** Releases counted by the job status their holders gave. */
export class JobStatusCounts {
  private readonly counts = new Map<string, number>();

  count(status: string): void {
    const n = this.counts.get(status);
    if (n !== undefined) this.counts.set(status, n + 1);
    else if (this.counts.size < JOB_STATUSES_COUNTED) this.counts.set(status, 1);
    else this.counts.set(OTHER_JOB_STATUS, (this.counts.get(OTHER_JOB_STATUS) ?? 0) + 1);
  }

  /** On restore: `n` releases with `status`. */
  restore(status: string, n: number): void {
    this.counts.set(status, n);
  }

  /** Counts by status, in the order each status was first seen. */
  get all(): ReadonlyMap<string, number> {
    return this.counts;
  }
}
