import type { TickBody } from '../../generated/bodies.js';
import { fail } from '../../protocol/errors.js';
import type { Handler } from '../handler.js';

/** Advances the virtual clock; whatever falls due is written after `tick_ok`, in deadline order. */
export const tick: Handler<TickBody> = (body, { manager, node }) => {
  const clock = node.virtualClock;
  if (clock === undefined) throw fail.notSupported('tick needs --deterministic: this node runs on real time');
  clock.now += body.ms;
  return { type: 'tick_ok', fields: { now_ms: clock.now }, events: manager.advance() };
};
