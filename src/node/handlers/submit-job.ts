import type { SubmitJobBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

export const submitJob: Handler<SubmitJobBody> = (body, { manager, request }) => {
  const r = manager.submitJobs(request, body.category, body.concurrency_limit, body.jobs ?? 1);
  return {
    type: 'jobs_submitted',
    fields: { queued: r.queued, running: r.running, waiting: r.waiting },
    events: r.startedEarlier.map((job) => ({ kind: 'job_started', job }) as const),
  };
};
