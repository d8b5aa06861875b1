import { render, type CoreError, type ErrorKind } from '../core/errors.js';

/**
 * The one error table. Numbers and names follow Maelstrom's `errors.edn`; `definite`
 * says whether the request certainly had no effect (a client may retry it safely).
 */
export const ERRORS = {
  timeout: {
    code: 0,
    definite: false,
    meaning: "A waiting allocate (or reserve) gave up: its timeout_ms passed before it could be granted; or, in a cluster, a node lost its leader while the request was on its way, so its outcome is unknown (retry with the same request_id).",
  },
  'not-supported': { code: 10, definite: true, meaning: 'The body type is not one this node knows (or tick without --deterministic).' },
  'temporarily-unavailable': {
    code: 11,
    definite: true,
    meaning: 'A limit on what the node holds was reached: the wait queue or job queue is full, or there are as many jobs, live allocations, categories, resource types or configured tenants as it keeps; nothing was dropped.',
  },
  'malformed-request': { code: 12, definite: true, meaning: 'The body breaks its schema or a constraint; the text names the field.' },
  crash: { code: 13, definite: false, meaning: 'A bug in the node: the stack goes to stderr and the node keeps running.' },
  abort: {
    code: 14,
    definite: true,
    meaning: 'A connection to a node started with --token-file did not present the token in an `auth` first message (or presented a wrong one); the connection is closed after this error.',
  },
  'key-does-not-exist': { code: 20, definite: true, meaning: 'Unknown allocation, reservation, job, category or request.' },
  'precondition-failed': {
    code: 22,
    definite: true,
    meaning: "The current state forbids the operation (for example cancelling a granted request, an allocate over its tenant's quota, or confirming an expired reservation), or the sender may not do it (releasing another client's allocation).",
  },
} as const;

export type ErrorName = keyof typeof ERRORS;

/** A failure a handler or the ledger reports; the dispatcher turns it into an `error` reply. */
export class NodeError extends Error {
  readonly code: number;
  constructor(readonly errorName: ErrorName, text: string) {
    super(text);
    this.name = 'NodeError';
    this.code = ERRORS[errorName].code;
  }
}

/** Shorthand constructors keep call sites short and the names greppable. */
export const fail = {
  malformed: (text: string) => new NodeError('malformed-request', text),
  notSupported: (text: string) => new NodeError('not-supported', text),
  unavailable: (text: string) => new NodeError('temporarily-unavailable', text),
  noKey: (text: string) => new NodeError('key-does-not-exist', text),
  precondition: (text: string) => new NodeError('precondition-failed', text),
  abort: (text: string) => new NodeError('abort', text),
};

/** The wire error each kind of core refusal becomes: the one place kinds become codes. */
export const ERROR_OF_KIND: Readonly<Record<ErrorKind, ErrorName>> = {
  invalid: 'malformed-request',
  limit: 'temporarily-unavailable',
  unknown: 'key-does-not-exist',
  conflict: 'precondition-failed',
};

/** Inputs the core names in its errors, as the wire names them (others are the same on both). */
const WIRE_NAMES: Readonly<Record<string, string>> = {
  capacity: 'resources',
  concurrencyLimit: 'concurrency_limit',
  leaseMs: 'lease_ms',
  msgId: 'msg_id',
  requestId: 'request_id',
};

/** A core refusal as the error reply it becomes, its inputs worded as on the wire. */
export function wireError(e: CoreError): NodeError {
  return new NodeError(
    ERROR_OF_KIND[e.kind],
    render(e.words, (name) => WIRE_NAMES[name] ?? name),
  );
}
