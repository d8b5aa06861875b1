// Figure 2, in-process: the cost of one release with 100 and with 100,000 varied requests
// waiting, for the library's ResourceManager ("ours") or the rescanning NaiveManager
// ("naive"). `node bench/figures/deep-queue.mjs <ours|naive>` prints, per depth and per
// kind of release, microseconds per release; for ours, also figures 2d to 2f (`levels`).
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
// Figures 2d to 2f (ours only; their peer is the same shape at one priority): LEVELS
// requests for one cpu wait, each at a priority of its own ("distinct") or all at one
// ("one"), so the queue has LEVELS priority levels or one:
// - `grantAll`: the holder of every cpu releases, and the release grants them all, the
//   head fitting each time; one release per round, on a manager of its own;
// - `grantPastHead`: the same, but a request at a priority above all waits for a held gpu,
//   so every grant passes over it (backfill);
// - `pair`: every cpu is held; an allocate at a priority above all waits, and its cancel
//   leaves the queue as it was; the pair is timed as one, in rounds as above.
// The two kinds take turns round by round; each figure is the median of its rounds.
//
// Figure 6 (drf-queue.mjs) reuses makeManager, setUp, OPS, alternating and timerCost.
//
// For investigating, not for `make bench`: DQ_ROUNDS, DQ_MS (target milliseconds per round)
// and DQ_MAX (most releases per round) override the round sizes; DQ_LEVELS (waiting
// requests) and DQ_LEVEL_ROUNDS (rounds of grantAll and grantPastHead) those of 2d to 2f;
// DQ_DEBUG=1 prints every round's figure to stderr.
import { DEEP_CAPACITY, NOTHING_FITS, ONE_TYPE_NOTHING, deepQueueRequests } from '../workloads.mjs';
import { NaiveManager } from '../naive-manager.mjs';
import { isMain, median } from '../lib.mjs';

const TOP = 1_000_000;
const ROUNDS = +(process.env.DQ_ROUNDS ?? 11);
const ROUND_MS = +(process.env.DQ_MS ?? 40);
const MAX_REPS = +(process.env.DQ_MAX ?? 3000);
const LEVELS = +(process.env.DQ_LEVELS ?? 20_000);
const LEVEL_ROUNDS = +(process.env.DQ_LEVEL_ROUNDS ?? 7);

const asRequirements = (o) => Object.entries(o).map(([type, amount]) => ({ type, amount }));

/** The deep-queue pool, for `kind` ours or naive; `options` are more ManagerOptions for ours (a policy). */
export async function makeManager(kind, options = {}) {
  const capacity = [...DEEP_CAPACITY.map(([t, a]) => [t, a + (ONE_TYPE_NOTHING[t] ?? 0)]), ['token', 1]];
  if (kind === 'naive') return new NaiveManager({ capacity });
  const { ResourceManager } = await import('../../dist/index.js');
  let n = 0;
  return new ResourceManager({ capacity, clock: () => 0, newId: () => `a${++n}`, maxQueue: 2_000_000, ...options });
}

function granted(o) {
  if (o.kind !== 'granted') throw new Error('a set-up allocation was not granted');
  return o.allocation;
}

/** Holds the pool and queues `depth` deep-queue requests on `m`; with `tenants`, the k-th request's tenant is `t<k mod tenants>`. */
export function setUp(m, depth, tenants = 0) {
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
    const tenant = tenants > 0 ? { tenant: `t${i % tenants}` } : undefined;
    const o = m.allocate(who(`c${i++ & 15}`), r.requirements, r.priority === 0 ? tenant : { priority: r.priority, ...tenant });
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

export const OPS = { nothing1: (s) => releaseNothing(s, 'nothing1'), nothing4: (s) => releaseNothing(s, 'nothing4'), one: releaseOne };

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
export function timerCost() {
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
  for (const depth of depths) states.push({ key: depth, s: setUp(await makeManager(kind), depth) });
  const overhead = timerCost();
  const result = {};
  for (const [name, op] of Object.entries(OPS)) result[name] = alternating(name, op, states, overhead);
  return result;
}

/**
 * Median microseconds per `op` for each of `states` (each `{ key, s }`), in rounds that
 * take turns between the states, as `{ key: us }`.
 */
export function alternating(name, op, states, overhead) {
  const samples = states.map(() => []);
  // One untimed op first: the first search after set-up also files what set-up queued
  // (the queue's trees are brought up to date when first searched), which would
  // otherwise count in the warm-up that sizes the rounds.
  for (const { s } of states) op(s);
  // Warm up for about 20 ms, and size each round to about 40 ms of ops (5 to 3000).
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
  if (process.env.DQ_DEBUG) process.stderr.write(`${name} ${states.map(({ key }, i) => `${key}: ${samples[i].map((x) => x.toFixed(2)).join(" ")}`).join("\n  ")}\n`);
  return Object.fromEntries(states.map(({ key }, i) => [key, median(samples[i])]));
}

// ---- many priority levels (2d to 2f) ----------------------------------------------

const CPU = [{ type: 'cpu', amount: 1 }];
const GPU = [{ type: 'gpu', amount: 1 }];
const ABOVE_ALL = { priority: LEVELS + 1 };
const KINDS = ['distinct', 'one'];

function queued(o) {
  if (o.kind !== 'queued') throw new Error('a request meant to wait was granted');
  return o;
}

/**
 * A manager with LEVELS cpu, all held, and LEVELS requests for one cpu waiting: priorities
 * 1 to LEVELS in a scattered order (7919 is prime: unless LEVELS is a multiple of it,
 * i * 7919 mod LEVELS takes every value once) for `distinct`, all 1 for `one`. With
 * `pastHead`, one gpu is held and a request above every priority waits for another.
 */
async function levelsSetUp(kind, pastHead) {
  const { ResourceManager } = await import('../../dist/index.js');
  let n = 0;
  const m = new ResourceManager({ capacity: [['cpu', LEVELS], ['gpu', 1]], clock: () => 0, newId: () => `a${++n}`, maxQueue: 2_000_000 });
  let msgId = 0;
  const who = () => ({ src: 'c', msgId: ++msgId, via: 'n1' });
  const holder = granted(m.allocate(who(), [{ type: 'cpu', amount: LEVELS }]));
  if (pastHead) {
    granted(m.allocate(who(), GPU));
    queued(m.allocate(who(), GPU, ABOVE_ALL));
  }
  for (let i = 0; i < LEVELS; i++) queued(m.allocate(who(), CPU, { priority: kind === 'distinct' ? 1 + ((i * 7919) % LEVELS) : 1 }));
  return { m, who, holder };
}

/** Microseconds of the one release that grants every waiting cpu request. */
async function grantAllOnce(kind, pastHead) {
  const { m, holder } = await levelsSetUp(kind, pastHead);
  const t0 = performance.now();
  const r = m.release(holder.id);
  const t1 = performance.now();
  if (r.events.length !== LEVELS) throw new Error(`the release granted ${r.events.length} of ${LEVELS}`);
  return (t1 - t0) * 1000;
}

/** Median microseconds per kind of the release that grants them all, rounds taking turns. */
async function grantAll(name, pastHead) {
  const samples = { distinct: [], one: [] };
  // One untimed round each: the first compiles what the others run.
  for (const kind of KINDS) await grantAllOnce(kind, pastHead);
  for (let r = 0; r < LEVEL_ROUNDS; r++) {
    for (const kind of KINDS) samples[kind].push(await grantAllOnce(kind, pastHead));
  }
  if (process.env.DQ_DEBUG) process.stderr.write(`${name} ${KINDS.map((k) => `${k}: ${samples[k].map((x) => x.toFixed(0)).join(' ')}`).join('\n  ')}\n`);
  return { distinct: median(samples.distinct), one: median(samples.one) };
}

function pair(s) {
  const w = s.who();
  const t0 = performance.now();
  queued(s.m.allocate(w, CPU, ABOVE_ALL));
  const r = s.m.cancel(w.src, w.msgId);
  const t1 = performance.now();
  if (r.events.length !== 0) throw new Error('a cancel granted something');
  return t1 - t0;
}

/** 2d to 2f: microseconds per release (`grantAll`, `grantPastHead`) or per pair (`pair`), each `{ distinct, one }`. */
export async function levels() {
  const grantAllUs = await grantAll('grantAll', false);
  const grantPastHeadUs = await grantAll('grantPastHead', true);
  const states = [];
  for (const key of KINDS) states.push({ key, s: await levelsSetUp(key, false) });
  const pairUs = alternating('pair', pair, states, timerCost());
  return { levels: LEVELS, grantAll: grantAllUs, grantPastHead: grantPastHeadUs, pair: pairUs };
}

if (isMain(import.meta)) {
  const kind = process.argv[2] ?? 'ours';
  const result = await deepQueue(kind);
  if (kind === 'ours') result.levels = await levels();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
