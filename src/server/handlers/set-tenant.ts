import type { SetTenantBody } from '../../generated/bodies.js';
import type { TenantSettings } from '../../core/manager.js';
import { amountPairs } from '../bodies.js';
import type { Handler } from '../handler.js';

export const setTenant: Handler<SetTenantBody> = (body, { manager }) => {
  const { view, events } = manager.setTenant(body.tenant, settingsOf(body));
  return { type: 'tenant_set', fields: { tenant: view.name, weight: view.weight, quota: amountPairs(manager.types, view.quota) }, events };
};

function settingsOf(body: SetTenantBody): TenantSettings {
  const { weight, quota } = body;
  // The parts left out keep their value; `quota: {}` is given, and removes the limits.
  return { ...(weight !== undefined && { weight }), ...(quota !== undefined && { quota: Object.entries(quota) }) };
}
