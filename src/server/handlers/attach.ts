import type { AttachBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

/** A cluster node's clients: routed to its connection as if each had just spoken there (docs/cluster.md). */
export const attach: Handler<AttachBody> = (body) => {
  const clients = [...new Set(body.clients)];
  return { type: 'attach_ok', fields: { clients: clients.length }, clients };
};
