/**
 * resource-node as a library: the same core the stdio program runs, without I/O.
 *
 * - `ResourceManager`: the pure ledger, wait queue and categories (pass a clock and ids).
 * - `ResourceNode`: a whole node; feed it protocol lines, get the lines it writes.
 */
export { ResourceManager, REASON_BEHIND, REASON_INSUFFICIENT } from './ledger/manager.js';
export type { AllocateOutcome, LedgerEvent, ManagerOptions, Policy, Requirement } from './ledger/manager.js';
export type { AllocateOptions, Allocation, Requester, WaitingRequest } from './ledger/types.js';
export type { EndedAllocation } from './ledger/ledger.js';
export type { Shape } from './ledger/shapes.js';
export type { CategoryStatus, CompleteResult, Job, SubmitResult, Submitter } from './ledger/categories.js';
export { SCALE, fromUnits, toUnits } from './ledger/amounts.js';
export { ResourceNode } from './node/node.js';
export type { NodeIo } from './node/node.js';
export { DEFAULT_CONFIG, type NodeConfig } from './node/config.js';
export { ERRORS, NodeError, type ErrorName } from './protocol/errors.js';
export { LineSplitter } from './protocol/framing.js';
export type * from './generated/bodies.js';
