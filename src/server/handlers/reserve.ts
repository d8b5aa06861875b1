import type { ReserveBody } from '../../generated/bodies.js';
import type { ReserveOptions } from '../../core/model.js';
import { fromUnits } from '../../core/ledger/amounts.js';
import { WAIT_REASON_TEXT, amountsByName, reservedFields } from '../bodies.js';
import type { Handler } from '../handler.js';

export const reserve: Handler<ReserveBody> = (body, { manager, request }) => {
  const { hold_ms, priority, timeout_ms, request_id, tenant } = body;
  const options: ReserveOptions = { holdMs: hold_ms, priority, timeoutMs: timeout_ms, requestId: request_id, tenant };
  const outcome = manager.reserve(request, body.requirements, options);
  if (outcome.kind === 'reserved') return { type: 'reserved', fields: reservedFields(manager.types, outcome.reservation, outcome.expiresInMs) };
  // The core queued shape, as an allocate's.
  const fields = {
    reason: WAIT_REASON_TEXT[outcome.reason],
    available: amountsByName(manager.types, outcome.request.types, outcome.available),
    required: fromUnits(outcome.required),
  };
  return { type: 'queued', fields };
};
