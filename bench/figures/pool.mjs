// Figure 5, in-process: acquire/release cycles on a saturated pool (capacity 2, three
// contenders, one resource type). `node bench/figures/pool.mjs <kind>` prints {opsPerSec},
// kind one of ours, ours-by-id, ours-remember-0, generic-pool and tarn; with POOL_DEBUG=1 set
// it also prints each timed round's ns per op to stderr. One op is one acquire that was
// granted plus its release.
//
// - ours: the library's ResourceManager, which is synchronous, driven by a synchronous
//   loop. Each contender holds at most one unit. The oldest holder releases; the release
//   grants the waiting contender (an event); the releasing contender asks again at once
//   and waits (the pool is full). So every op is one release that grants and one
//   allocate that queues: the contended path. The allocation is released as itself, as
//   a program holding it would (and as the peers release the resource they were given);
//   holders wait in a four-slot ring (Array#shift and for-of cost this loop about as much
//   as the library itself, so the loop uses neither).
// - ours-by-id: the same, releasing by allocation id, as a node on the wire does.
// - generic-pool and tarn: promise-based. Three async workers run at once, each looping
//   `resource = await acquire(); ops++; release(resource)` (generic-pool's release is
//   awaited; tarn's is synchronous). Resources are created once (min = max = 2), so no
//   creation is timed. With 2 resources and 3 workers, one worker always waits.
// - ours-remember-0: the same with `remember: 0` (no memory of ended allocations for
//   retried releases), to show what that memory costs.
// Every implementation runs WARM_UP_ROUNDS untimed rounds, then ROUNDS timed rounds of OPS
// ops each, each round on a pool (or manager) of its own; the median round is reported.
// (A warm-up of one tenth of a round left the first timed rounds of every implementation
// still settling: JIT and the first full collections.)
import { isMain, median } from '../lib.mjs';

const OPS = 200_000;
const WARM_UP_ROUNDS = 2;
const ROUNDS = 7;

async function ours(ops, { remember, byId = false } = {}) {
  const { ResourceManager } = await import('../../dist/index.js');
  // The manager's own ids (a1, a2, ...): what a program that needs none of its own gets.
  const m = new ResourceManager({ capacity: [['slot', 2]], clock: () => 0, ...(remember === undefined ? {} : { remember }) });
  const need = [{ type: 'slot', amount: 1 }];
  let msgId = 0;
  // Holders, oldest first: at most three at once.
  const ring = new Array(4);
  let first = 0;
  let end = 0;
  const hold = (a) => {
    ring[end] = a;
    end = (end + 1) & 3;
  };
  const ask = (c) => {
    const o = m.allocate({ src: c, msgId: ++msgId, via: 'n1' }, need);
    if (o.kind === 'granted') hold(o.allocation);
  };
  for (const c of ['c1', 'c2', 'c3']) ask(c);
  const t0 = performance.now();
  for (let done = 0; done < ops; done++) {
    const a = ring[first];
    first = (first + 1) & 3;
    const events = m.release(byId ? a.id : a).events;
    for (let i = 0; i < events.length; i++) hold(events[i].allocation);
    ask(a.src);
  }
  return performance.now() - t0;
}

async function genericPool(ops) {
  const { createPool } = (await import('generic-pool')).default;
  let made = 0;
  const pool = createPool({ create: async () => ({ id: ++made }), destroy: async () => {} }, { max: 2, min: 2 });
  await pool.ready();
  let done = 0;
  const worker = async () => {
    while (done < ops) {
      const r = await pool.acquire();
      done++;
      await pool.release(r);
    }
  };
  const t0 = performance.now();
  await Promise.all([worker(), worker(), worker()]);
  const ms = performance.now() - t0;
  await pool.drain();
  await pool.clear();
  return ms;
}

async function tarn(ops) {
  const { Pool } = await import('tarn');
  let made = 0;
  const pool = new Pool({ create: () => ({ id: ++made }), destroy: () => {}, min: 2, max: 2 });
  let done = 0;
  const worker = async () => {
    while (done < ops) {
      const r = await pool.acquire().promise;
      done++;
      pool.release(r);
    }
  };
  // Let tarn create its two resources before timing.
  await Promise.all([pool.acquire().promise, pool.acquire().promise]).then((rs) => rs.forEach((r) => pool.release(r)));
  const t0 = performance.now();
  await Promise.all([worker(), worker(), worker()]);
  const ms = performance.now() - t0;
  await pool.destroy();
  return ms;
}

const IMPLS = {
  ours,
  'ours-by-id': (ops) => ours(ops, { byId: true }),
  'ours-remember-0': (ops) => ours(ops, { remember: 0 }),
  'generic-pool': genericPool,
  tarn,
};

export async function pool(kind) {
  const run = IMPLS[kind];
  for (let w = 0; w < WARM_UP_ROUNDS; w++) await run(OPS);
  const ms = [];
  for (let r = 0; r < ROUNDS; r++) ms.push(await run(OPS));
  if (process.env.POOL_DEBUG) process.stderr.write(`${ms.map((x) => ((x * 1e6) / OPS).toFixed(0)).join(' ')}\n`);
  return { opsPerSec: OPS / (median(ms) / 1000) };
}

if (isMain(import.meta)) {
  process.stdout.write(`${JSON.stringify(await pool(process.argv[2] ?? 'ours'))}\n`);
}
