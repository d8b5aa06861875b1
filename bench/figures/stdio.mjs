// The stdio figures: they run the built program as a user would and time it from outside.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { BIN, ROOT, median } from '../lib.mjs';

const BARE_LOOP = `${ROOT}bench/bare-loop.mjs`;

/** Starts `node args` with the file as its stdin through a pipe, as `cat file | node args` would. */
function spawnFed(file, args) {
  const input = openSync(file, 'r');
  const cat = spawn('cat', [], { stdio: [input, 'pipe', 'inherit'] });
  closeSync(input);
  return spawn(process.execPath, args, { stdio: [cat.stdout, 'pipe', 'inherit'] });
}

/** Counts the reply lines the program writes. Resolves {ms, replies} from spawn to exit. */
export function pipeThrough(file, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnFed(file, args);
    let replies = 0;
    child.stdout.on('data', (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) replies++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}`));
      resolve({ ms: performance.now() - t0, replies });
    });
  });
}

/** Figure 1: replies per second through stdin/stdout, ours and the bare loop, alternating which goes first. */
export async function throughput(file, messages, runs = 5) {
  const ours = [];
  const bare = [];
  for (let r = 0; r < runs; r++) {
    // Ours first on even rounds, the peer first on odd ones, so a drift in the machine's
    // load over the rounds weighs on both alike.
    let a;
    let b;
    if (r % 2 === 0) {
      a = await pipeThrough(file, [BIN, '--deterministic']);
      b = await pipeThrough(file, [BARE_LOOP]);
    } else {
      b = await pipeThrough(file, [BARE_LOOP]);
      a = await pipeThrough(file, [BIN, '--deterministic']);
    }
    if (a.replies !== messages || b.replies !== messages) throw new Error(`replies: ours ${a.replies}, bare ${b.replies}, want ${messages}`);
    ours.push(a.replies / (a.ms / 1000));
    bare.push(b.replies / (b.ms / 1000));
  }
  return { ours: median(ours), bare: median(bare) };
}

function exitTime(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** Figure 3: spawn to exit on empty stdin, ours and `node -e 0`, alternating which goes first. */
export async function coldStart(runs = 21) {
  const ours = [];
  const bare = [];
  await exitTime([BIN]);
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) {
      ours.push(await exitTime([BIN]));
      bare.push(await exitTime(['-e', '0']));
    } else {
      bare.push(await exitTime(['-e', '0']));
      ours.push(await exitTime([BIN]));
    }
  }
  return { oursMs: median(ours), nodeMs: median(bare) };
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Figure 4b: RSS of a program fed `messages` lines through a pipe while its stdout is read
 * slowly (about `bytesPerTick` every `tickMs`: paused once a tick's bytes are read; pass
 * Infinity for a reader that keeps up). RSS is sampled every 50 ms from /proc. Reports the
 * largest RSS while the first half of the replies was read and while the second half was:
 * flat means the second is no larger than the first.
 */
export function slowReader(file, messages, args, { bytesPerTick = 96 * 1024, tickMs = 10 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnFed(file, args);
    let replies = 0;
    let firstHalf = 0;
    let secondHalf = 0;
    const sample = setInterval(() => {
      const rss = rssOf(child.pid);
      if (replies < messages / 2) firstHalf = Math.max(firstHalf, rss);
      else secondHalf = Math.max(secondHalf, rss);
    }, 50);
    // A token bucket: at most bytesPerTick per tick, then the stream is paused until the next.
    let taken = 0;
    child.stdout.on('data', (chunk) => {
      taken += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) replies++;
      if (taken >= bytesPerTick) child.stdout.pause();
    });
    const read = setInterval(() => {
      taken = 0;
      child.stdout.resume();
    }, tickMs);
    child.on('error', reject);
    // 'end' comes once the slow reads have taken everything; the exit status comes apart.
    let status;
    let ended = false;
    const settle = () => {
      if (status === undefined || !ended) return;
      clearInterval(sample);
      clearInterval(read);
      if (status !== 0) return reject(new Error(`slow reader: exit ${status}`));
      if (replies !== messages) return reject(new Error(`slow reader: ${replies} replies, want ${messages}`));
      resolve({ firstHalfRss: firstHalf, secondHalfRss: secondHalf, seconds: (performance.now() - t0) / 1000 });
    };
    child.stdout.on('end', () => {
      ended = true;
      settle();
    });
    child.on('exit', (code) => {
      status = code;
      settle();
    });
  });
}
