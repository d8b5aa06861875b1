import type { InitBody } from '../../generated/bodies.js';
import type { Handler } from '../handler.js';

export const init: Handler<InitBody> = (body, { node }) => {
  node.nodeId = body.node_id;
  node.nodeIds = body.node_ids ?? [body.node_id];
  return { type: 'init_ok' };
};
