import type { PolicyName } from '../core/policy/index.js';
import type { PreemptionMode } from '../core/preemption/preemption.js';

/** A tenant's settings from --quota and --weight: wire amounts by type name, and a weight. */
export interface TenantConfig {
  readonly weight?: number;
  readonly quota?: readonly (readonly [string, number])[];
}

/** Everything that shapes a node; the CLI flags map onto it one to one. */
export interface NodeConfig {
  /** Total capacity per resource type, in declaration order. */
  readonly capacity: readonly (readonly [string, number])[];
  /** Sequential ids (`alloc-N`) and a virtual clock moved only by `tick`. */
  readonly deterministic: boolean;
  readonly maxLineBytes: number;
  readonly maxQueue: number;
  /** Most jobs kept at once, running and waiting together. */
  readonly maxJobs: number;
  /** Most allocations held at once. */
  readonly maxAllocations: number;
  readonly policy: PolicyName;
  readonly maxBypass: number;
  /** Resource types made of named members, in declaration order. */
  readonly pools: readonly (readonly [string, readonly string[]])[];
  /**
   * Clients who may release or renew any allocation; when there are any, only they may
   * send set_capacity, init and tick. None: every client may send those.
   */
  readonly admins: readonly string[];
  /** Tenants' weights and quotas (--weight, --quota), in the order first named. */
  readonly tenants: readonly (readonly [string, TenantConfig])[];
  /** Whether a request may end allocations of lower priority to make room. */
  readonly preemption: PreemptionMode;
  /** How long a victim has to release before it is preempted, in ms; 0: at once. */
  readonly preemptionGraceMs: number;
}

export const DEFAULT_CAPACITY: readonly (readonly [string, number])[] = [
  ['cpu', 8],
  ['memory', 16],
  ['gpu', 2],
];

export const DEFAULT_CONFIG: NodeConfig = {
  capacity: DEFAULT_CAPACITY,
  deterministic: false,
  maxLineBytes: 1024 * 1024,
  maxQueue: 100_000,
  maxJobs: 1_000_000,
  maxAllocations: 1_000_000,
  policy: 'backfill',
  maxBypass: 100,
  pools: [],
  admins: [],
  tenants: [],
  preemption: 'off',
  preemptionGraceMs: 0,
};
