// Figure 6, in-process: figure 2's releases under --policy drf, with the waiting requests
// spread over tenants (the k-th request's tenant is t<k mod tenants>): 100,000 waiting across
// 1,000 tenants against 100 across 10 (the target's peer) and 100 across 100 (shown beside).
// `node bench/figures/drf-queue.mjs` prints, per kind of release and per queue, microseconds
// per release.
//
// The queues, holders, releases, undoing and rounds are figure 2's (deep-queue.mjs). Nothing
// else is held, so every tenant's share is 0 and fair share ranks by arrival: M, the request
// that `one` grants, is the last to arrive and its tenant ("waiter", its src) ranks last,
// as M is last in figure 2b. DQ_ROUNDS, DQ_MS, DQ_MAX and DQ_DEBUG work as there.
import { OPS, alternating, makeManager, setUp, timerCost } from './deep-queue.mjs';
import { isMain } from '../lib.mjs';

/** The queues measured: key, waiting requests, tenants. */
export const DRF_QUEUES = [
  ['100000/1000', 100_000, 1_000],
  ['100/10', 100, 10],
  ['100/100', 100, 100],
];

/** Microseconds per release for each kind of release (`nothing1`, `one`, `nothing4`), each `{ queue key: us }`. */
export async function drfQueue() {
  const states = [];
  for (const [key, depth, tenants] of DRF_QUEUES) states.push({ key, s: setUp(await makeManager('ours', { policy: 'drf' }), depth, tenants) });
  const overhead = timerCost();
  const result = {};
  for (const [name, op] of Object.entries(OPS)) result[name] = alternating(name, op, states, overhead);
  return result;
}

if (isMain(import.meta)) process.stdout.write(`${JSON.stringify(await drfQueue())}\n`);
