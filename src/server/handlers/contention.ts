import type { ContentionBody } from '../../generated/bodies.js';
import { fromUnits } from '../../core/ledger/amounts.js';
import { orderedRecord } from '../../protocol/reply.js';
import { EXPLAIN_REASON_TEXT } from '../bodies.js';
import type { Handler } from '../handler.js';

/** The waiting requests against capacity. */
export const contention: Handler<ContentionBody> = (_body, { manager }) => {
  const c = manager.contention();
  const names = manager.types;
  return {
    type: 'contention_ok',
    fields: {
      resources: orderedRecord(
        c.resources.map((r) => [names.name(r.type), { capacity: fromUnits(r.capacity), free: fromUnits(r.free), waiting_demand: fromUnits(r.waitingDemand), pressure: r.pressure }] as const),
      ),
      waiting: c.waiting,
      by_reason: orderedRecord(c.byReason.map(([reason, count]) => [EXPLAIN_REASON_TEXT[reason], count] as const)),
      oldest_wait_ms: c.oldestWaitMs,
      demands: c.demands.map((d) => ({ requirements: d.types.map((t, i) => ({ type: names.name(t), amount: fromUnits(d.units[i]!) })), count: d.count })),
    },
  };
};
