// A deliberately broken node for the golden tests: it answers every core message
// correctly except that a waiting request is never granted later (no re-drain on release).
import { randomUUID } from 'node:crypto';

const capacity = { cpu: 8, memory: 16, gpu: 2 };
const free = { ...capacity };
const allocations = new Map();
const categories = new Map();
let buffered = '';

function reply(req, body) {
  process.stdout.write(`${JSON.stringify({ src: req.dest, dest: req.src, body: { ...body, in_reply_to: req.body.msg_id } })}\n`);
}

function handle(req) {
  const b = req.body;
  const error = (code, text) => reply(req, { type: 'error', code, text });
  if (b.type === 'allocate') {
    const reqs = b.requirements;
    if (!Array.isArray(reqs) || reqs.length === 0) return error(12, 'requirements must be a non-empty list');
    for (const r of reqs) {
      if (!(r.type in capacity)) return error(12, `unknown resource type ${r.type}`);
      if (typeof r.amount !== 'number' || !(r.amount > 0)) return error(12, 'amount must be a positive number');
    }
    const short = reqs.find((r) => free[r.type] < r.amount);
    if (short) {
      const available = Object.fromEntries(reqs.map((r) => [r.type, free[r.type]]));
      return reply(req, { type: 'queued', reason: 'Insufficient resources', available, required: short.amount });
    }
    for (const r of reqs) free[r.type] -= r.amount;
    const id = randomUUID();
    const resources = Object.fromEntries(reqs.map((r) => [r.type, r.amount]));
    allocations.set(id, { resources, live: true });
    return reply(req, { type: 'allocated', allocation_id: id, resources });
  }
  if (b.type === 'release') {
    const a = allocations.get(b.allocation_id);
    if (!a) return error(20, `unknown allocation ${b.allocation_id}`);
    if (a.live) for (const [t, n] of Object.entries(a.resources)) free[t] += n;
    a.live = false;
    return reply(req, { type: 'released', allocation_id: b.allocation_id, resources_freed: a.resources });
  }
  if (b.type === 'submit_job') {
    let c = categories.get(b.category);
    if (!c && b.concurrency_limit === undefined) return error(12, 'a new category needs concurrency_limit');
    c ??= { limit: 0, running: 0, waiting: 0 };
    if (b.concurrency_limit !== undefined) c.limit = b.concurrency_limit;
    categories.set(b.category, c);
    const n = b.jobs ?? 1;
    const start = Math.max(0, Math.min(n, c.limit - c.running));
    c.running += start;
    c.waiting += n - start;
    return reply(req, { type: 'jobs_submitted', queued: n - start, running: c.running, waiting: c.waiting });
  }
  return error(10, `unknown type ${b.type}`);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (buffered + chunk).split('\n');
  buffered = lines.pop();
  for (const line of lines) {
    try {
      handle(JSON.parse(line));
    } catch {
      // Not a usable message: no reply.
    }
  }
});
