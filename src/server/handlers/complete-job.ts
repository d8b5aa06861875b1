import type { CompleteJobBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

export const completeJob: Handler<CompleteJobBody> = (body, { manager }) => {
  const r = manager.completeJob(body.category, body.job_id);
  return {
    type: 'job_completed',
    fields: { category: body.category, job_id: r.jobId, running: r.running, waiting: r.waiting, started: r.started.map((j) => j.id) },
    events: r.started.map((job) => ({ kind: 'job_started', job }) as const),
  };
};
