import type { Policy } from '../ledger/manager.js';

/** Everything that shapes a node; the CLI flags map onto it one to one. */
export interface NodeConfig {
  /** Total capacity per resource type, in declaration order. */
  readonly capacity: readonly (readonly [string, number])[];
  /** Sequential ids (`alloc-N`) and a virtual clock moved only by `tick`. */
  readonly deterministic: boolean;
  readonly maxLineBytes: number;
  readonly maxQueue: number;
  readonly policy: Policy;
  readonly maxBypass: number;
  /** Resource types made of named members, in declaration order. */
  readonly pools: readonly (readonly [string, readonly string[]])[];
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
  policy: 'backfill',
  maxBypass: 100,
  pools: [],
};
