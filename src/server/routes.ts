import * as validators from '../generated/validators.js';
import { fail } from '../protocol/errors.js';
import type { Validator } from '../generated/validators.js';
import type { Handler } from './handler.js';
import { abort } from './handlers/abort.js';
import { allocate } from './handlers/allocate.js';
import { attach } from './handlers/attach.js';
import { auth } from './handlers/auth.js';
import { cancel } from './handlers/cancel.js';
import { completeJob } from './handlers/complete-job.js';
import { confirm } from './handlers/confirm.js';
import { contention } from './handlers/contention.js';
import { explain } from './handlers/explain.js';
import { init } from './handlers/init.js';
import { release } from './handlers/release.js';
import { renew } from './handlers/renew.js';
import { reserve } from './handlers/reserve.js';
import { setCapacity } from './handlers/set-capacity.js';
import { setTenant } from './handlers/set-tenant.js';
import { status } from './handlers/status.js';
import { submitJob } from './handlers/submit-job.js';
import { tick } from './handlers/tick.js';

/** A message type the node answers: its compiled schema and its handler. */
export interface Route {
  readonly validate: Validator;
  readonly handle: Handler<never>;
  /** It changes the node for every client: with --admin, only admins may send it. */
  readonly adminOnly: boolean;
}

function route<B>(validate: Validator, handle: Handler<B>, adminOnly = false): Route {
  return { validate, handle: handle as Handler<never>, adminOnly };
}

/** Every request type, by wire name. A Map, so a body type like `__proto__` finds nothing. */
export function routes(options: { deterministic: boolean }): Map<string, Route> {
  const table = new Map<string, Route>([
    ['allocate', route(validators.allocate, allocate)],
    ['release', route(validators.release, release)],
    ['submit_job', route(validators.submit_job, submitJob)],
    ['init', route(validators.init, init, true)],
    ['status', route(validators.status, status)],
    ['cancel', route(validators.cancel, cancel)],
    ['complete_job', route(validators.complete_job, completeJob)],
    ['set_capacity', route(validators.set_capacity, setCapacity, true)],
    ['renew', route(validators.renew, renew)],
    ['set_tenant', route(validators.set_tenant, setTenant, true)],
    ['reserve', route(validators.reserve, reserve)],
    ['confirm', route(validators.confirm, confirm)],
    ['abort', route(validators.abort, abort)],
    ['explain', route(validators.explain, explain)],
    ['contention', route(validators.contention, contention)],
    ['auth', route(validators.auth, auth)],
    ['attach', route(validators.attach, attach)],
  ]);
  // Only a virtual clock can be moved: on real time, tick is code 10 whatever its body.
  table.set('tick', options.deterministic ? route(validators.tick, tick, true) : route(anyBody, tickNeedsVirtualClock));
  return table;
}

const anyBody: Validator = () => true;

const tickNeedsVirtualClock: Handler<unknown> = () => {
  throw fail.notSupported('tick moves the virtual clock, which only --deterministic has');
};
