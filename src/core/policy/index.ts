import { Backfill } from './backfill.js';
import { Drf } from './drf.js';
import { Fifo } from './fifo.js';
import type { Policy, PolicyContext } from './policy.js';
import { StarvationGuard } from './starvation-guard.js';

export type { Admission, Policy, PolicyContext, WaitReason } from './policy.js';
export { StarvationGuard } from './starvation-guard.js';
export { quotaHeld } from './quota.js';

/** The policies a node can run, by name: adding one is a file here and a line below. */
export type PolicyName = 'backfill' | 'fifo' | 'drf';

export const POLICY_NAMES: readonly PolicyName[] = ['backfill', 'fifo', 'drf'];

/** The policy called `name`, reading `ctx`. */
export function createPolicy(name: PolicyName, ctx: PolicyContext, guard: StarvationGuard): Policy {
  switch (name) {
    case 'backfill':
      return new Backfill(ctx, guard);
    case 'fifo':
      return new Fifo(ctx);
    case 'drf':
      return new Drf(ctx, guard);
  }
}
