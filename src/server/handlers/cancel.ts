import type { CancelBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

export const cancel: Handler<CancelBody> = (body, { manager, request }) => {
  const { events } = manager.cancel(request.src, body.request_msg_id);
  return { type: 'cancelled', fields: { request_msg_id: body.request_msg_id }, events };
};
