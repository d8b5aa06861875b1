// The benchmark workloads, generated from a fixed seed so that every run of `make bench`
// (and every machine) measures exactly the same messages and queue shapes.
//
// As a program, `node bench/workloads.mjs` writes the stdio input files under bench/.work/.
// As a module, it gives the in-process figures their queue contents.
import { mkdirSync, openSync, writeSync, closeSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SEED = 0x5eed_2026;
export const WORK_DIR = new URL('./.work/', import.meta.url).pathname;

/** Messages in the throughput input (half allocate, half release). */
export const CHURN_MESSAGES = 400_000;
/** Messages in the slow-reader input. */
export const SLOW_READER_MESSAGES = 1_000_000;
/** Allocations in flight during the churn. */
export const IN_FLIGHT = 4;

/** mulberry32: a small, fast 32-bit PRNG; `rand()` is uniform in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHURN_SHAPES = [
  [['cpu', 1]],
  [['cpu', 2], ['memory', 4]],
  [['memory', 2], ['cpu', 1]],
  [['cpu', 1], ['memory', 1], ['gpu', 0.5]],
  [['memory', 3.5]],
];

/**
 * Allocate/release churn on the default capacity (cpu 8, memory 16, gpu 2): IN_FLIGHT
 * allocations are live at any time, each release frees the oldest, so nothing ever waits.
 * In --deterministic mode the k-th grant is `alloc-k`, so the input can name its releases.
 * Each release comes from the client that holds the allocation (only the holder may
 * release it). Yields one line at a time (without the newline).
 */
export function* churnLines(messages, seed = SEED) {
  const rand = prng(seed);
  let msgId = 0;
  let granted = 0;
  let released = 0;
  const clients = ['c1', 'c2', 'c3', 'c4'];
  // The holder of each allocation in flight, by grant number modulo the ring's size.
  const holders = new Array(IN_FLIGHT + 1);
  for (let i = 0; i < messages; i++) {
    if (granted - released < IN_FLIGHT) {
      const src = clients[i & 3];
      const shape = CHURN_SHAPES[Math.floor(rand() * CHURN_SHAPES.length)];
      const requirements = shape.map(([type, amount]) => ({ type, amount }));
      granted++;
      holders[granted % holders.length] = src;
      yield JSON.stringify({ src, dest: 'n1', body: { type: 'allocate', msg_id: ++msgId, requirements } });
    } else {
      released++;
      const src = holders[released % holders.length];
      yield JSON.stringify({ src, dest: 'n1', body: { type: 'release', msg_id: ++msgId, allocation_id: `alloc-${released}`, job_status: 'completed' } });
    }
  }
}

/** Capacity of the deep-queue figure's pool. */
export const DEEP_CAPACITY = [
  ['cpu', 64],
  ['memory', 256],
  ['gpu', 8],
  ['disk', 1000],
];

/** What the "grants nothing" release frees: partly useful to many waiting requests, enough for none. */
export const NOTHING_FITS = { cpu: 2, memory: 8, gpu: 1, disk: 20 };
/** A one-type release that grants nothing: every gpu-only request asks for more than this. */
export const ONE_TYPE_NOTHING = { gpu: 1 };

/**
 * `count` varied waiting requests for the deep-queue figure: 1 to 4 resource types in a
 * random order, amounts with up to 3 decimals, priorities 0 to 2 (mostly 0). No request fits
 * within NOTHING_FITS (one that would is drawn again), so releasing exactly that much grants
 * nothing, although single demands of many requests do fit it.
 */
export function deepQueueRequests(count, seed = SEED) {
  return [...deepQueueStream(count, seed)];
}

/** The same requests as `deepQueueRequests`, one at a time (for a million without holding them). */
export function* deepQueueStream(count, seed = SEED) {
  const rand = prng(seed ^ count);
  const names = DEEP_CAPACITY.map(([n]) => n);
  const caps = Object.fromEntries(DEEP_CAPACITY);
  let made = 0;
  while (made < count) {
    const k = 1 + Math.floor(rand() * names.length);
    const pool = names.slice();
    const requirements = [];
    for (let j = 0; j < k; j++) {
      const type = pool.splice(Math.floor(rand() * pool.length), 1)[0];
      // Mostly small demands, some large: amounts in (0, cap/4], 3 decimals.
      const amount = Math.max(1, Math.round(rand() * rand() * caps[type] * 250)) / 1000;
      requirements.push({ type, amount });
    }
    if (requirements.every((r) => r.amount <= NOTHING_FITS[r.type])) continue;
    const r = rand();
    const priority = r < 0.8 ? 0 : r < 0.95 ? 1 : 2;
    made++;
    yield { requirements, priority };
  }
}

/** Writes `lines` (an iterable of strings) as newline-terminated text, in large writes. */
function writeLines(path, lines) {
  const fd = openSync(path, 'w');
  let batch = [];
  let bytes = 0;
  for (const line of lines) {
    batch.push(line);
    bytes += line.length + 1;
    if (bytes > 1 << 20) {
      writeSync(fd, `${batch.join('\n')}\n`);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
  closeSync(fd);
}

/** The stdio input files, written once per seed and size (a stamp file says which). */
export function ensureInputs() {
  mkdirSync(WORK_DIR, { recursive: true });
  const stamp = `${WORK_DIR}stamp.json`;
  const want = JSON.stringify({ SEED, CHURN_MESSAGES, SLOW_READER_MESSAGES, IN_FLIGHT, v: 2 });
  const files = { churn: `${WORK_DIR}churn.ndjson`, slowReader: `${WORK_DIR}slow-reader.ndjson` };
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return files;
  writeLines(files.churn, churnLines(CHURN_MESSAGES));
  writeLines(files.slowReader, churnLines(SLOW_READER_MESSAGES, SEED + 1));
  writeFileSync(stamp, want);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = ensureInputs();
  for (const [name, path] of Object.entries(files)) process.stdout.write(`${name}: ${path}\n`);
}
