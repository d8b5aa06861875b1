// Figures 6a and 6b, in-process: how long `explain` and `contention` take with 100,000
// requests waiting and 10,000 leased holders, beside the same with 100 waiting and 100 holders.
// `node bench/figures/contention.mjs` prints, per depth, the median ms of each.
//
// The pool is DEEP_CAPACITY x 10, held whole by the holders (each an equal share, leases
// ending at spread times from 1 to 101 s), so every one of the deep-queue workload's requests
// (figure 2's: 1 to 4 types in any order, amounts with 3 decimals, nearly all distinct,
// priorities 0 to 2) waits. explain is asked of three requests: the first in line, the one in
// the middle and the last (its replay has the most to go through); the figure is the slowest
// of the three medians. Rounds take turns between the depths; each is the median of ROUNDS.
//
// For investigating: CT_ROUNDS overrides the rounds, CT_DEBUG=1 prints every sample.
import { DEEP_CAPACITY, deepQueueRequests, prng } from '../workloads.mjs';
import { isMain, median } from '../lib.mjs';

const ROUNDS = +(process.env.CT_ROUNDS ?? 11);
const SCALE = 10;

async function setUp(waiting, holders) {
  const { ResourceManager } = await import('../../dist/index.js');
  const capacity = DEEP_CAPACITY.map(([type, cap]) => [type, cap * SCALE]);
  let n = 0;
  const m = new ResourceManager({ capacity, clock: () => 0, newId: () => `a${++n}`, maxQueue: 2_000_000 });
  const rand = prng(holders);
  let msgId = 0;
  // Each holder an equal share: 10,000 of them hold cpu 0.064, memory 0.256, gpu 0.008, disk 1.
  const share = capacity.map(([type, cap]) => ({ type, amount: cap / holders }));
  for (let i = 0; i < holders; i++) {
    const o = m.allocate({ src: `h${i % 100}`, msgId: ++msgId, via: 'n1' }, share, { leaseMs: 1000 + Math.floor(rand() * 100_000) });
    if (o.kind !== 'granted') throw new Error('a holder was not granted');
  }
  let i = 0;
  for (const r of deepQueueRequests(waiting)) {
    const o = m.allocate({ src: `c${i++ & 15}`, msgId: ++msgId, via: 'n1' }, r.requirements, r.priority === 0 ? undefined : { priority: r.priority });
    if (o.kind !== 'queued') throw new Error('a deep-queue request was granted');
  }
  const order = m.waitingRequests();
  const targets = { first: order[0], middle: order[order.length >> 1], last: order[order.length - 1] };
  return { m, targets };
}

function timed(f) {
  const t0 = performance.now();
  const out = f();
  return { ms: performance.now() - t0, out };
}

export async function contentionFigures(depths = [[100, 100], [100_000, 10_000]]) {
  const states = [];
  for (const [waiting, holders] of depths) states.push({ key: waiting, holders, ...(await setUp(waiting, holders)) });
  const samples = states.map(() => ({ first: [], middle: [], last: [], contention: [] }));
  const exact = states.map(() => ({}));
  // One untimed round first: it compiles what the others run.
  for (let r = -1; r < ROUNDS; r++) {
    for (const [s, { m, targets }] of states.entries()) {
      for (const [which, w] of Object.entries(targets)) {
        const { ms, out } = timed(() => m.explain(w.src, w.msgId));
        if (r < 0) continue;
        samples[s][which].push(ms);
        exact[s][which] = { position: out.position, estimatedStartMs: out.estimatedStartMs, exact: out.estimateExact };
      }
      const { ms } = timed(() => m.contention());
      if (r >= 0) samples[s].contention.push(ms);
    }
  }
  if (process.env.CT_DEBUG) process.stderr.write(`${JSON.stringify(samples)}\n`);
  return Object.fromEntries(
    states.map(({ key, holders }, s) => {
      const explainMs = Object.fromEntries(['first', 'middle', 'last'].map((k) => [k, median(samples[s][k])]));
      return [key, { holders, explainMs, explainWorstMs: Math.max(...Object.values(explainMs)), estimates: exact[s], contentionMs: median(samples[s].contention) }];
    }),
  );
}

if (isMain(import.meta)) {
  process.stdout.write(`${JSON.stringify(await contentionFigures())}\n`);
}
