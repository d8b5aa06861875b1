import type { JobSpec } from '../run/job.js';
import type { DemoOptions } from './flags.js';

/** Job names `job1`, `job2`, ...: each job is its own client. */
export function jobNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `job${i + 1}`);
}

/** Robot names `r1`, `r2`, ...: the members of the `robot` pool. */
export function robotNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r${i + 1}`);
}

/** The demo's jobs: each a shell that says which robot it was given, holds it for `jobMs`, and says it is done. */
export function demoJobs(o: Pick<DemoOptions, 'jobs' | 'jobMs'>): JobSpec[] {
  const seconds = (o.jobMs / 1000).toFixed(3);
  return jobNames(o.jobs).map((name) => ({
    name,
    command: ['sh', '-c', `echo "working with robot $RESOURCE_RUN_MEMBERS_ROBOT"; sleep ${seconds}; echo "done with robot $RESOURCE_RUN_MEMBERS_ROBOT"`],
    requirements: [{ type: 'robot', amount: 1 }],
  }));
}
