import type { ReleaseBody } from '../../generated/bodies.js';
import { heldAmounts } from '../bodies.js';
import type { Handler } from '../handler.js';

export const release: Handler<ReleaseBody> = (body, { manager, request }) => {
  const { allocation, events } = manager.release(body.allocation_id, body.job_status, request.src);
  return {
    type: 'released',
    fields: { allocation_id: allocation.id, resources_freed: heldAmounts(manager.types, allocation.types, allocation.units) },
    events,
  };
};
