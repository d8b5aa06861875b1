import type { TickBody } from '../../generated/bodies.js';
import { fail } from '../../protocol/errors.js';
import type { Handler } from '../handler.js';

/** Advances the virtual clock; whatever falls due is written after `tick_ok`, in deadline order. */
export const tick: Handler<TickBody> = (body, { manager, node }) => {
  const clock = node.virtualClock;
  if (clock === undefined) throw fail.notSupported('tick needs --deterministic: this node runs on real time');
  // Past 2^53 ms the clock could no longer count single milliseconds.
  if (clock.now + body.ms > Number.MAX_SAFE_INTEGER) {
    throw fail.precondition(`tick of ${body.ms} ms would take the clock past ${Number.MAX_SAFE_INTEGER} ms (now ${clock.now})`);
  }
  clock.now += body.ms;
  return { type: 'tick_ok', fields: { now_ms: clock.now }, events: manager.advance() };
};
