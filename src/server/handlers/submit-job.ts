import type { SubmitJobBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

// Jobs of earlier requests that a raised cap starts are counted in `running`, but not
// announced: submit_job is a core exchange, and a core client must never receive a
// message it did not ask for. `job_started` belongs to complete_job, which is opt-in.
export const submitJob: Handler<SubmitJobBody> = (body, { manager, request }) => {
  const r = manager.submitJobs(request, body.category, body.concurrency_limit, body.jobs ?? 1);
  return { type: 'jobs_submitted', fields: { queued: r.queued, running: r.running, waiting: r.waiting } };
};
