import { NodeError } from '../../src/protocol/errors.js';

/** The NodeError `f` throws; anything else thrown is rethrown, and not throwing fails the test. */
export function errorOf(f: () => unknown): NodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof NodeError) return e;
    throw e;
  }
  throw new Error('expected a NodeError');
}

/** The error code of the NodeError `f` throws (see errorOf). */
export function codeOf(f: () => unknown): number {
  return errorOf(f).code;
}
