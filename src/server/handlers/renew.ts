import type { RenewBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

export const renew: Handler<RenewBody> = (body, { manager, request }) => {
  const a = manager.renew(body.allocation_id, body.lease_ms, request.src);
  return { type: 'renewed', fields: { allocation_id: a.id, lease_ms: a.leaseMs } };
};
