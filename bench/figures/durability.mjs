// Figure 9: what --state-dir costs. 9a churn throughput with and without it; 9b restart time
// with 100,000 allocations and 100,000 waiting requests recorded.
// Alone: node bench/figures/durability.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, median } from '../lib.mjs';

const SHAPES = [
  [{ type: 'cpu', amount: 1 }],
  [{ type: 'cpu', amount: 2 }, { type: 'memory', amount: 4 }],
  [{ type: 'memory', amount: 2 }, { type: 'cpu', amount: 1 }],
  [{ type: 'cpu', amount: 1 }, { type: 'memory', amount: 1 }, { type: 'gpu', amount: 0.5 }],
];

/**
 * Closed-loop churn over stdio, `window` messages in flight: each grant is released by its
 * holder, each release answered by a new allocate. The ids are the node's own (no
 * --deterministic), so the driver reads them. Resolves messages per second.
 */
function churn(args, messages, window = 256) {
  return new Promise((resolve, reject) => {
    // Room for every allocation in flight: nothing waits.
    const child = spawn(process.execPath, [BIN, '--capacity', 'cpu=1000,memory=4000,gpu=500', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let sent = 0;
    let answered = 0;
    let msgId = 0;
    let rest = '';
    let out = [];
    const t0 = performance.now();
    const send = (body) => {
      sent++;
      out.push(JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: ++msgId } }));
    };
    const allocate = () => send({ type: 'allocate', requirements: SHAPES[msgId % SHAPES.length] });
    const flush = () => {
      if (out.length > 0) child.stdin.write(`${out.join('\n')}\n`);
      out = [];
    };
    for (let i = 0; i < window; i++) allocate();
    flush();
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop();
      for (const l of lines) {
        answered++;
        if (sent >= messages) continue;
        const body = JSON.parse(l).body;
        if (body.type === 'allocated') send({ type: 'release', allocation_id: body.allocation_id });
        else if (body.type === 'released') allocate();
        else return reject(new Error(`unexpected ${l}`));
      }
      if (answered >= messages) child.stdin.end();
      else flush();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`exited ${code}`));
      resolve(answered / ((performance.now() - t0) / 1000));
    });
  });
}

/** Figure 9a: churn msg/s with --state-dir (a fresh directory under `base` each run) and without, taking turns. */
export async function stateDirThroughput(messages = 40_000, runs = 5, base = tmpdir()) {
  const withDir = [];
  const without = [];
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(base, 'bench-state-'));
    try {
      if (r % 2 === 0) {
        withDir.push(await churn(['--state-dir', dir], messages));
        without.push(await churn([], messages));
      } else {
        without.push(await churn([], messages));
        withDir.push(await churn(['--state-dir', dir], messages));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { withDir: median(withDir), without: median(without) };
}

/** Runs the node on `input` lines; resolves the ms from spawn until `replies` replies came. */
function timed(args, input, replies) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let n = 0;
    let ms;
    child.stdout.on('data', (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) if (++n === replies) ms = performance.now() - t0;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && ms !== undefined ? resolve(ms) : reject(new Error(`exited ${code} after ${n} replies`))));
    child.stdin.end(input);
  });
}

/** Figure 9b: ms from spawn to the first reply of a node restoring `held` allocations and `waiting` requests, and of a node with an empty state. */
export async function restartTime(held = 100_000, waiting = 100_000, runs = 3, base = tmpdir()) {
  const dir = mkdtempSync(join(base, 'bench-restart-'));
  try {
    const args = ['--state-dir', dir, '--capacity', `cpu=${held}`, '--max-queue', String(waiting)];
    const lines = [];
    for (let i = 1; i <= held + waiting; i++) lines.push(JSON.stringify({ src: `c${i % 100}`, dest: 'n1', body: { type: 'allocate', msg_id: i, requirements: [{ type: 'cpu', amount: 1 }], lease_ms: 86_400_000 } }));
    await timed(args, `${lines.join('\n')}\n`, held + waiting);
    const status = `${JSON.stringify({ src: 'c0', dest: 'n1', body: { type: 'status', msg_id: 1 } })}\n`;
    const full = [];
    const empty = [];
    for (let r = 0; r < runs; r++) {
      full.push(await timed(args, status, 1));
      const fresh = mkdtempSync(join(base, 'bench-empty-'));
      empty.push(await timed(['--state-dir', fresh], status, 1));
      rmSync(fresh, { recursive: true, force: true });
    }
    return { fullMs: median(full), emptyMs: median(empty) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = await stateDirThroughput();
  process.stdout.write(`9a churn msg/s: --state-dir ${t.withDir.toFixed(0)}, without ${t.without.toFixed(0)}: ${(t.withDir / t.without).toFixed(2)}x\n`);
  const r = await restartTime();
  process.stdout.write(`9b restart with 100,000 held + 100,000 waiting: ${r.fullMs.toFixed(0)} ms to the first reply (empty state dir: ${r.emptyMs.toFixed(0)} ms)\n`);
}
