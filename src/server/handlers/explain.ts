import type { ExplainBody } from '../../generated/bodies.js';
import type { Blocker } from '../../core/contention/index.js';
import { EXPLAIN_REASON_TEXT, amountPairs, heldAmounts, type TypeNames } from '../bodies.js';
import type { Handler } from '../handler.js';

/** Why a waiting request of this same client waits, and until when; 20 when none waits. */
export const explain: Handler<ExplainBody> = (body, { manager, request }) => {
  const e = manager.explain(request.src, body.request_msg_id);
  const names = manager.types;
  return {
    type: 'explanation',
    fields: {
      request_msg_id: body.request_msg_id,
      position: e.position,
      waited_ms: e.waitedMs,
      reason: EXPLAIN_REASON_TEXT[e.reason],
      short: amountPairs(names, e.short),
      blockers: e.blockers.map((b) => blocker(names, b)),
      estimated_start_ms: e.estimatedStartMs,
    },
  };
};

function blocker(names: TypeNames, b: Blocker): object {
  const a = b.allocation;
  return { allocation_id: a.id, src: a.src, resources: heldAmounts(names, a.types, a.units), lease_left_ms: b.leaseLeftMs };
}
