import type { SetCapacityBody } from '../../generated/bodies.js';
import { amountsPerType } from '../bodies.js';
import type { Handler } from '../handler.js';

export const setCapacity: Handler<SetCapacityBody> = (body, { manager }) => {
  const events = manager.setCapacity(Object.entries(body.resources));
  return { type: 'capacity_updated', fields: { capacity: amountsPerType(manager.types, (t) => manager.capacityOf(t)) }, events };
};
