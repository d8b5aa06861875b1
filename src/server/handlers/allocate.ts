import type { AllocateBody } from '../../generated/bodies.js';
import type { AllocateOptions } from '../../core/model.js';
import { fromUnits } from '../../core/ledger/amounts.js';
import { WAIT_REASON_TEXT, allocatedFields, amountsByName } from '../bodies.js';
import type { Handler } from '../handler.js';

export const allocate: Handler<AllocateBody> = (body, { manager, request }) => {
  const outcome = manager.allocate(request, body.requirements, optionsOf(body));
  const names = manager.types;
  // Only a preemption owes others messages; the common reply keeps its shape.
  if (outcome.kind === 'granted') {
    const fields = allocatedFields(names, outcome.allocation);
    return outcome.events === undefined ? { type: 'allocated', fields } : { type: 'allocated', fields, events: outcome.events };
  }
  const w = outcome.request;
  const fields = {
    reason: WAIT_REASON_TEXT[outcome.reason],
    available: amountsByName(names, w.types, outcome.available),
    required: fromUnits(outcome.required),
  };
  return outcome.events === undefined ? { type: 'queued', fields } : { type: 'queued', fields, events: outcome.events };
};

function optionsOf(body: AllocateBody): AllocateOptions | undefined {
  const { priority, timeout_ms, lease_ms, request_id, tenant } = body;
  if (priority === undefined && timeout_ms === undefined && lease_ms === undefined && request_id === undefined && tenant === undefined) return undefined;
  return { priority, timeoutMs: timeout_ms, leaseMs: lease_ms, requestId: request_id, tenant };
}
