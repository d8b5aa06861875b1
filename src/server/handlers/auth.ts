import type { AuthBody } from '../../generated/bodies.js';
import { fail } from '../../protocol/errors.js';
import type { Handler } from '../handler.js';

/** On a stream that needs no token (stdio, tcp without --token-file) there is nothing to check. */
export const auth: Handler<AuthBody> = (body, { gate }) => {
  if (gate !== undefined && !gate.admit(body.token)) throw fail.abort('wrong token');
  return { type: 'auth_ok' };
};
