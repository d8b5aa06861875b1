// Regenerates docs/dashboard.png: a node with --http under a seeded workload of three teams
// for about 45 s, photographed by Debian's chromium. `node scripts/dashboard-screenshot.mjs [out.png]`
import { spawn } from 'node:child_process';
import puppeteer from 'puppeteer-core';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2] ?? `${root}docs/dashboard.png`;
const seconds = Number(process.env.LOAD_SECONDS ?? 45);
const node = spawn(process.execPath, [`${root}bin/resource-node`, '--http', '127.0.0.1:0', '--capacity', 'cpu=32,memory=128,gpu=8', '--quota', 'vision=gpu:4', '--quota', 'speech=gpu:3', '--quota', 'robotics=gpu:2,cpu:12'], { stdio: ['pipe', 'pipe', 'pipe'] });
const base = await new Promise((resolve, reject) => {
  let text = '';
  node.stderr.setEncoding('utf8').on('data', (d) => {
    text += d;
    const m = /at (http:\/\/[^ ]+)\//.exec(text);
    if (m) resolve(m[1]);
  });
  node.on('close', () => reject(new Error(text)));
});

// A seeded generator, so every run makes the same requests.
let seed = 18;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const send = (src, body) => node.stdin.write(`${JSON.stringify({ src, dest: 'n1', body })}\n`);
let partial = '';
node.stdout.setEncoding('utf8').on('data', (d) => {
  const lines = (partial + d).split('\n');
  partial = lines.pop();
  for (const line of lines) {
    const { dest, body } = JSON.parse(line);
    // Each grant is held for a few seconds, then released with how the job ended.
    if (body.type === 'allocated') setTimeout(() => send(dest, { type: 'release', msg_id: 1e6 + body.in_reply_to, allocation_id: body.allocation_id, job_status: random() < 0.85 ? 'completed' : 'failed' }), 2000 + random() * 6000);
  }
});

const teams = ['vision', 'speech', 'robotics', 'batch'];
let msgId = 0;
const started = Date.now();
const load = setInterval(() => {
  if (Date.now() - started > seconds * 1000) return;
  const tenant = pick(teams);
  const requirements = [{ type: 'gpu', amount: pick([1, 1, 2]) }, { type: 'cpu', amount: pick([2, 4, 8]) }, { type: 'memory', amount: pick([8, 16, 32]) }];
  if (random() < 0.2) requirements.shift();
  send(`${tenant}-${Math.floor(random() * 6)}`, { type: 'allocate', msg_id: ++msgId, requirements, tenant, priority: pick([0, 0, 0, 1]) });
}, 600);

const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 1000 });
await page.goto(`${base}/`);
await new Promise((r) => setTimeout(r, seconds * 1000));
await page.screenshot({ path: out, fullPage: true });
await browser.close();
clearInterval(load);
node.kill('SIGTERM');
console.log(`wrote ${out}`);
