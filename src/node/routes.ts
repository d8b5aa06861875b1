import * as validators from '../generated/validators.js';
import type { Validator } from '../generated/validators.js';
import type { Handler } from './handler.js';
import { allocate } from './handlers/allocate.js';
import { init } from './handlers/init.js';
import { release } from './handlers/release.js';
import { submitJob } from './handlers/submit-job.js';

/** A message type the node answers: its compiled schema and its handler. */
export interface Route {
  readonly validate: Validator;
  readonly handle: Handler<never>;
}

function route<B>(validate: Validator, handle: Handler<B>): Route {
  return { validate, handle: handle as Handler<never> };
}

/** Every request type, by wire name. A Map, so a body type like `__proto__` finds nothing. */
export function routes(options: { deterministic: boolean }): Map<string, Route> {
  const table = new Map<string, Route>([
    ['allocate', route(validators.allocate, allocate)],
    ['release', route(validators.release, release)],
    ['submit_job', route(validators.submit_job, submitJob)],
    ['init', route(validators.init, init)],
  ]);
  void options;
  return table;
}
