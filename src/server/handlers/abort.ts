import type { AbortBody } from '../../generated/bodies.js';
import { heldAmounts } from '../bodies.js';
import type { Handler } from '../handler.js';

export const abort: Handler<AbortBody> = (body, { manager, request }) => {
  const { reservation: r, events } = manager.abort(body.reservation_id, request.src);
  return { type: 'aborted', fields: { reservation_id: r.id, resources_freed: heldAmounts(manager.types, r.types, r.units) }, events };
};
