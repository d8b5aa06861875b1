import { CoreError } from '../../src/core/errors.js';
import { NodeError, wireError } from '../../src/protocol/errors.js';

/**
 * What `f` throws, as the error reply it becomes on the wire (a core refusal worded as the
 * protocol words it); anything else thrown is rethrown, and not throwing fails the test.
 */
export function errorOf(f: () => unknown): NodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof CoreError) return wireError(e);
    if (e instanceof NodeError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The wire error code of what `f` throws (see errorOf). */
export function codeOf(f: () => unknown): number {
  return errorOf(f).code;
}
