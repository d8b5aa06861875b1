import type { ConfirmBody } from '../../generated/bodies.js';
import { confirmedFields } from '../bodies.js';
import type { Handler } from '../handler.js';

export const confirm: Handler<ConfirmBody> = (body, { manager, request }) => {
  const confirmed = manager.confirm(body.reservation_id, body.lease_ms, request.src);
  return { type: 'confirmed', fields: confirmedFields(manager.types, confirmed) };
};
