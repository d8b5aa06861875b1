/**
 * resource-node as a library: the same core the stdio program runs, without I/O.
 *
 * - `ResourceManager`: the pure ledger, wait queue, reservations and categories (pass a clock and ids).
 * - `ResourceNode`: a whole node; feed it protocol lines, get the lines it writes.
 */
export { ResourceManager } from './core/manager.js';
export type { AllocateOutcome, EndedReservation, ManagerOptions, Requirement, ReservationEnd, ReserveOutcome } from './core/manager.js';
export type { Blocker, ContentionReport, Demand, ExplainReason, Explanation, TypePressure } from './core/contention/index.js';
export type { CoreEvent, OwedEvent } from './core/events.js';
export type { Policy, PolicyName, WaitReason } from './core/policy/index.js';
export type { PreemptionMode } from './core/preemption/preemption.js';
export { MemoryStore, type Store } from './core/store.js';
export type { AllocateOptions, Allocation, Hold, Requester, RequestOptions, Reservation, ReserveOptions, WaitingRequest } from './core/model.js';
export type { EndedAllocation } from './core/ledger/ledger.js';
export type { Shape } from './core/ledger/shapes.js';
export type { CategoryStatus, CompleteResult, Job, SubmitResult, Submitter } from './core/jobs/categories.js';
export { SCALE, fromUnits, toUnits } from './core/ledger/amounts.js';
export { ResourceNode } from './server/node.js';
export type { NodeIo } from './server/node.js';
export { DEFAULT_CONFIG, type NodeConfig } from './server/config.js';
export { CoreError, type ErrorKind } from './core/errors.js';
export { ERRORS, ERROR_OF_KIND, NodeError, wireError, type ErrorName } from './protocol/errors.js';
export { LineSplitter } from './protocol/framing.js';
export type * from './generated/bodies.js';
