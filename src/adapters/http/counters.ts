import type { CoreEvent } from '../../core/events.js';
import type { Store } from '../../core/store.js';
import type { DispatchObserver } from '../../server/dispatcher.js';
import { ERRORS } from '../../protocol/errors.js';

/** Upper bounds of the wait-time histogram, in seconds (waits for resources run from none to hours). */
export const WAIT_BUCKETS: readonly number[] = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600];

/** Request types counted under their own label; any other `type` counts as `other`. */
export const MESSAGE_TYPES: readonly string[] = [
  'allocate',
  'release',
  'cancel',
  'renew',
  'status',
  'submit_job',
  'complete_job',
  'init',
  'set_capacity',
  'set_tenant',
  'reserve',
  'confirm',
  'abort',
  'explain',
  'contention',
  'tick',
  'auth',
];

/** Distinct `job_status` labels kept; later ones count under `(other)`, so a client cannot grow the series without bound. */
export const JOB_STATUS_LABELS = 20;

/** The label a release without a `job_status` counts under. */
export const NO_JOB_STATUS = 'none';

export const OTHER_LABEL = '(other)';

/**
 * The node's running totals, kept as plain numbers: fed by the core's event stream (as its
 * `Store`) and by the dispatcher, each event costing an increment or two. The metrics and the
 * dashboard read them when asked.
 */
export class NodeCounters implements Store, DispatchObserver {
  grants = 0;
  preemptions = 0;
  /** Allocations ended, by job status (plus `lease_expired` and `preempted`), in the order first seen. */
  readonly releases = new Map<string, number>();
  /** Per WAIT_BUCKETS bound, then +Inf: waits that fell in it (not cumulative). */
  readonly waitBuckets = new Float64Array(WAIT_BUCKETS.length + 1);
  waitSum = 0;
  waitCount = 0;
  /** Per MESSAGE_TYPES, then `other`. */
  readonly messages = new Float64Array(MESSAGE_TYPES.length + 1);
  /** By error code, every code of the table present. */
  readonly errors = new Map<number, number>(Object.values(ERRORS).map((e) => [e.code, 0]));
  /** Bumped on every change of state, so a watcher can tell cheaply whether anything happened. */
  changes = 0;
  private readonly messageIndex = new Map(MESSAGE_TYPES.map((t, i) => [t, i]));

  /** `now` is the node's clock, in ms; waits are measured on it. */
  constructor(private readonly now: () => number) {}

  record(e: CoreEvent): void {
    this.changes++;
    switch (e.kind) {
      case 'granted':
        this.grants++;
        this.waited(e.request === undefined ? 0 : Math.max(0, this.now() - e.request.queuedAt) / 1000);
        break;
      case 'released':
        this.released(e.jobStatus ?? NO_JOB_STATUS);
        break;
      case 'lease_expired':
        this.released('lease_expired');
        break;
      case 'preempted':
        this.preemptions++;
        this.released('preempted');
        break;
    }
  }

  answered(requestType: unknown, _replyType: string, errorCode: number | undefined): void {
    const i = typeof requestType === 'string' ? this.messageIndex.get(requestType) : undefined;
    this.messages[i ?? MESSAGE_TYPES.length]!++;
    if (errorCode !== undefined) this.errors.set(errorCode, (this.errors.get(errorCode) ?? 0) + 1);
  }

  private released(status: string): void {
    const n = this.releases.get(status);
    if (n !== undefined) this.releases.set(status, n + 1);
    else if (this.releases.size < JOB_STATUS_LABELS) this.releases.set(status, 1);
    else this.releases.set(OTHER_LABEL, (this.releases.get(OTHER_LABEL) ?? 0) + 1);
  }

  private waited(seconds: number): void {
    let b = 0;
    while (b < WAIT_BUCKETS.length && seconds > WAIT_BUCKETS[b]!) b++;
    this.waitBuckets[b]!++;
    this.waitSum += seconds;
    this.waitCount++;
  }
}
