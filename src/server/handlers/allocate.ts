import type { AllocateBody } from '../../generated/bodies.js';
import type { AllocateOptions } from '../../core/model.js';
import { fromUnits } from '../../core/ledger/amounts.js';
import { WAIT_REASON_TEXT, allocatedFields, amountsByName } from '../bodies.js';
import type { Handler } from '../handler.js';

export const allocate: Handler<AllocateBody> = (body, { manager, request }) => {
  const outcome = manager.allocate(request, body.requirements, optionsOf(body));
  const names = manager.types;
  if (outcome.kind === 'granted') return { type: 'allocated', fields: allocatedFields(names, outcome.allocation) };
  const w = outcome.request;
  return {
    type: 'queued',
    fields: {
      reason: WAIT_REASON_TEXT[outcome.reason],
      available: amountsByName(names, w.types, outcome.available),
      required: fromUnits(outcome.required),
    },
  };
};

function optionsOf(body: AllocateBody): AllocateOptions | undefined {
  const { priority, timeout_ms, lease_ms, request_id, tenant } = body;
  if (priority === undefined && timeout_ms === undefined && lease_ms === undefined && request_id === undefined && tenant === undefined) return undefined;
  return { priority, timeoutMs: timeout_ms, leaseMs: lease_ms, requestId: request_id, tenant };
}
