// Figure 2, in-process: the cost of one release with 100 and with 100,000 varied requests
// waiting, for the library's ResourceManager ("ours") or the rescanning NaiveManager
// ("naive"). `node bench/figures/deep-queue.mjs <ours|naive>` prints, per depth and per
// kind of release, microseconds per release.
//
// The pool (DEEP_CAPACITY, one more gpu, and a one-unit `token` type) is fully held, so
// every generated request waits. Held allocations make each kind of release repeatable:
// - `nothing1`: G holds ONE_TYPE_NOTHING (1 gpu); no waiting request fits it;
// - `nothing4`: T holds NOTHING_FITS (4 types); no waiting request fits it, though most
//   have single demands that do (the per-type minimums of the index cannot rule them out);
// - `one`: K holds the token and M, the last request to arrive, waits for it, so releasing
//   K grants exactly M.
// A "nothing" release is undone by taking the same amounts back with a priority above
// every waiting request (granted at once, passing over nobody). A "one" release is undone,
// untimed, by releasing M's allocation and making K and M again. So every timed release
// sees the same queue. Only the release call is timed: performance.now() around it, less
// the timer's own cost. Rounds alternate between the two depths, so both see the same
// machine noise, and each figure is the median of its rounds.
//
// For investigating, not for `make bench`: DQ_ROUNDS, DQ_MS (target milliseconds per round)
// and DQ_MAX (most releases per round) override the round sizes; DQ_DEBUG=1 prints every
// round's figure to stderr.
import { DEEP_CAPACITY, NOTHING_FITS, ONE_TYPE_NOTHING, deepQueueRequests } from '../workloads.mjs';
import { NaiveManager } from '../naive-manager.mjs';
import { isMain, median } from '../lib.mjs';

const TOP = 1_000_000;
const ROUNDS = +(process.env.DQ_ROUNDS ?? 11);
const ROUND_MS = +(process.env.DQ_MS ?? 40);
const MAX_REPS = +(process.env.DQ_MAX ?? 3000);

const asRequirements = (o) => Object.entries(o).map(([type, amount]) => ({ type, amount }));

async function makeManager(kind) {
  const capacity = [...DEEP_CAPACITY.map(([t, a]) => [t, a + (ONE_TYPE_NOTHING[t] ?? 0)]), ['token', 1]];
  if (kind === 'naive') return new NaiveManager({ capacity });
  const { ResourceManager } = await import('../../dist/index.js');
  let n = 0;
  return new ResourceManager({ capacity, clock: () => 0, newId: () => `a${++n}`, maxQueue: 2_000_000 });
}

function granted(o) {
  if (o.kind !== 'granted') throw new Error('a set-up allocation was not granted');
  return o.allocation;
}

function setUp(m, depth) {
  let msgId = 0;
  const who = (src) => ({ src, msgId: ++msgId, via: 'n1' });
  const token = [{ type: 'token', amount: 1 }];
  const rest = DEEP_CAPACITY.map(([type, cap]) => ({ type, amount: cap - NOTHING_FITS[type] }));
  const s = { m, who, token, held: {} };
  s.held.nothing4 = { req: asRequirements(NOTHING_FITS), a: granted(m.allocate(who('holder'), asRequirements(NOTHING_FITS))) };
  s.held.nothing1 = { req: asRequirements(ONE_TYPE_NOTHING), a: granted(m.allocate(who('holder'), asRequirements(ONE_TYPE_NOTHING))) };
  granted(m.allocate(who('holder'), rest));
  s.k = granted(m.allocate(who('holder'), token));
  let i = 0;
  for (const r of deepQueueRequests(depth)) {
    const o = m.allocate(who(`c${i++ & 15}`), r.requirements, r.priority === 0 ? undefined : { priority: r.priority });
    if (o.kind !== 'queued') throw new Error('a deep-queue request was granted during set-up');
  }
  if (m.allocate(who('waiter'), token).kind !== 'queued') throw new Error('M was granted');
  return s;
}

function releaseNothing(s, which) {
  const h = s.held[which];
  const t0 = performance.now();
  const r = s.m.release(h.a.id);
  const t1 = performance.now();
  if (r.events.length !== 0) throw new Error(`a ${which} release granted ${r.events.length}`);
  h.a = granted(s.m.allocate(s.who('holder'), h.req, { priority: TOP }));
  return t1 - t0;
}

function releaseOne(s) {
  const m = s.m;
  const t0 = performance.now();
  const r = m.release(s.k.id);
  const t1 = performance.now();
  if (r.events.length !== 1) throw new Error(`the release of K granted ${r.events.length}`);
  if (m.release(r.events[0].allocation.id).events.length !== 0) throw new Error('releasing M granted something');
  s.k = granted(m.allocate(s.who('holder'), s.token, { priority: TOP }));
  if (m.allocate(s.who('waiter'), s.token).kind !== 'queued') throw new Error('M was granted');
  return t1 - t0;
}

const OPS = { nothing1: (s) => releaseNothing(s, 'nothing1'), nothing4: (s) => releaseNothing(s, 'nothing4'), one: releaseOne };

/** Mean ms of one performance.now() pair over a batch. */
function timerBatch() {
  let sum = 0;
  for (let i = 0; i < 20_000; i++) {
    const t0 = performance.now();
    sum += performance.now() - t0;
  }
  return sum / 20_000;
}

/**
 * The timer's own cost: the least mean of several batches, after one to warm up. (Taken
 * from one cold batch, it once came out above a whole release, and the releases measured
 * less than nothing.)
 */
function timerCost() {
  timerBatch();
  let least = Infinity;
  for (let b = 0; b < 7; b++) least = Math.min(least, timerBatch());
  return least;
}

/** Mean microseconds per release over `reps` releases. */
function round(op, s, reps, overhead) {
  let sum = 0;
  for (let i = 0; i < reps; i++) sum += op(s);
  return (sum / reps - overhead) * 1000;
}

export async function deepQueue(kind, depths = [100, 100_000]) {
  const states = [];
  for (const depth of depths) states.push({ depth, s: setUp(await makeManager(kind), depth) });
  const overhead = timerCost();
  const result = {};
  for (const [name, op] of Object.entries(OPS)) {
    const samples = states.map(() => []);
    // One untimed release first: the first search after set-up also files what set-up
    // queued (the queue's trees are brought up to date when first searched), which would
    // otherwise count in the warm-up that sizes the rounds.
    for (const { s } of states) op(s);
    // Warm up for about 20 ms, and size each round to about 40 ms of releases (5 to 3000).
    const reps = states.map(({ s }) => {
      const t0 = performance.now();
      let done = 0;
      do {
        round(op, s, 5, overhead);
        done += 5;
      } while (performance.now() - t0 < 20);
      const us = Math.max(0.1, ((performance.now() - t0) * 1000) / done);
      return Math.max(5, Math.min(MAX_REPS, Math.round((ROUND_MS * 1000) / us)));
    });
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, { s }] of states.entries()) samples[i].push(round(op, s, reps[i], overhead));
    }
    if (process.env.DQ_DEBUG) process.stderr.write(`${name} ${states.map(({ depth }, i) => `${depth}: ${samples[i].map((x) => x.toFixed(2)).join(" ")}`).join("\n  ")}\n`);
    result[name] = Object.fromEntries(states.map(({ depth }, i) => [depth, median(samples[i])]));
  }
  return result;
}

if (isMain(import.meta)) {
  process.stdout.write(`${JSON.stringify(await deepQueue(process.argv[2] ?? 'ours'))}\n`);
}
