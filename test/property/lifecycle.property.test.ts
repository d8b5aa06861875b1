import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../src/server/config.js';
import { ResourceNode } from '../../src/server/node.js';
import { checkReplySchema, type Out } from '../server/lifecycle-support.js';

// Random sequences of every lifecycle operation against a whole node (--deterministic),
// checked after every step against an independent model of what the node must have done:
// the ledger's invariants (allocated + free = capacity), plus "every waiting request is granted once, cancelled or
// timed out" and "a retried request_id never makes a second allocation".

const CLIENTS = ['a', 'b', 'c'];
const TYPES = ['cpu', 'gpu', 'tpu'];

type Op =
  | { op: 'allocate'; src: string; req: [string, number][]; priority?: number; timeout?: number; lease?: number; key?: string }
  | { op: 'release'; pick: number; status?: string; by?: string }
  | { op: 'cancel'; src: string; pick: number }
  | { op: 'tick'; ms: number }
  | { op: 'renew'; pick: number; lease?: number; by?: string }
  | { op: 'set_capacity'; type: string; units: number }
  | { op: 'retry'; pick: number }
  | { op: 'submit_job'; src: string; category: string; limit?: number; jobs: number }
  | { op: 'complete_job'; category: string; pick?: number };

const units = fc.integer({ min: 1, max: 12 }).map((n) => n * 500);
const requirement = fc.uniqueArray(fc.tuple(fc.constantFrom(...TYPES), units), { minLength: 1, maxLength: 3, selector: ([t]) => t });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('allocate' as const), src: fc.constantFrom(...CLIENTS), req: requirement, priority: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }), timeout: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), lease: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }) }, { requiredKeys: ['op', 'src', 'req'] }) },
  // `by`: sent by that client rather than by the holder (which it may happen to be).
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat(), status: fc.option(fc.constantFrom('completed', 'failed', '__proto__'), { nil: undefined }), by: fc.option(fc.constantFrom(...CLIENTS), { nil: undefined, freq: 3 }) }, { requiredKeys: ['op', 'pick'] }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), src: fc.constantFrom(...CLIENTS), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('renew' as const), pick: fc.nat(), lease: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), by: fc.option(fc.constantFrom(...CLIENTS), { nil: undefined, freq: 3 }) }, { requiredKeys: ['op', 'pick'] }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('set_capacity' as const), type: fc.constantFrom(...TYPES), units: fc.integer({ min: 0, max: 20 }).map((n) => n * 500) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retry' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('submit_job' as const), src: fc.constantFrom(...CLIENTS), category: fc.constantFrom('x', '__proto__'), limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), jobs: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['op', 'src', 'category', 'jobs'] }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('complete_job' as const), category: fc.constantFrom('x', '__proto__', 'y'), pick: fc.option(fc.nat(), { nil: undefined }) }, { requiredKeys: ['op', 'category'] }) },
);

/** A job category as the model sees it: running in start order, waiting in submission order. */
interface ModelCategory {
  limit: number;
  running: number[];
  waiting: { n: number; src: string }[];
  next: number;
  submitter: Map<number, string>;
  /** Set when a submit lowered the limit under the running count. */
  lowered: boolean;
}

interface Request {
  src: string;
  msgId: number;
  req: [string, number][];
  priority: number;
  seq: number;
  key: string | undefined;
  state: 'waiting' | 'granted' | 'cancelled' | 'timed_out';
  allocationId?: string;
}

/** The model: what the node must hold, learnt only from what it wrote. */
class Model {
  capacity = new Map<string, number>([['cpu', 8000], ['memory', 16000], ['gpu', 2000]]);
  requests = new Map<string, Request>();
  live = new Map<string, { req: [string, number][]; src: string }>();
  everIssued = new Set<string>();
  /** The holder of every allocation ever granted, ended ones included. */
  holders = new Map<string, string>();
  keys = new Map<string, Request>();
  categories = new Map<string, ModelCategory>();
  msgId = 0;
  seq = 0;

  waiting(): Request[] {
    return [...this.requests.values()].filter((r) => r.state === 'waiting');
  }

  held(type: string): number {
    let n = 0;
    for (const a of this.live.values()) for (const [t, u] of a.req) if (t === type) n += u;
    return n;
  }

  free(type: string): number {
    return Math.max(0, (this.capacity.get(type) ?? 0) - this.held(type));
  }

  fits(r: Request): boolean {
    return r.req.every(([t, u]) => u <= this.free(t));
  }
}

const rid = (src: string, msgId: number) => `${src}/${msgId}`;
const wire = (req: [string, number][]) => req.map(([type, u]) => ({ type, amount: u / 1000 }));
const sameReq = (x: [string, number][], y: [string, number][]) => JSON.stringify(x) === JSON.stringify(y);

function run(config: Partial<NodeConfig>, ops: Op[], drainCheck: 'none' | 'head' | 'all'): void {
  const node = new ResourceNode({ deterministic: true, ...config });
  const m = new Model();
  const send = (src: string, body: Record<string, unknown>): Out[] => {
    const out = node.handle(JSON.stringify({ src, dest: 'n1', body: { ...body, msg_id: ++m.msgId } })).map((l) => JSON.parse(l) as Out);
    for (const o of out) checkReplySchema(o);
    return out;
  };

  /** Applies the unsolicited messages (after the reply) to the model, checking each. */
  const consequences = (out: Out[]): void => {
    for (const o of out) {
      const b = o.body;
      if (b.type === 'allocated') {
        const r = m.requests.get(rid(o.dest, b.in_reply_to as number));
        expect(r?.state, 'a later grant answers a waiting request').toBe('waiting');
        grant(r!, b);
      } else if (b.type === 'error') {
        expect(b.code).toBe(0);
        const r = m.requests.get(rid(o.dest, b.in_reply_to as number));
        expect(r?.state, 'only a waiting request times out').toBe('waiting');
        r!.state = 'timed_out';
      } else if (b.type === 'lease_expired') {
        const a = m.live.get(b.allocation_id as string);
        expect(a, 'only a live allocation expires').toBeDefined();
        expect(a!.src).toBe(o.dest);
        m.live.delete(b.allocation_id as string);
      } else {
        throw new Error(`unexpected unsolicited ${JSON.stringify(o)}`);
      }
    }
  };

  const grant = (r: Request, b: Record<string, unknown>): void => {
    const id = b.allocation_id as string;
    expect(m.everIssued.has(id), 'never granted twice').toBe(false);
    expect(b.resources, 'an allocation is exactly what was asked').toEqual(Object.fromEntries(r.req.map(([t, u]) => [t, u / 1000])));
    r.state = 'granted';
    r.allocationId = id;
    m.everIssued.add(id);
    m.holders.set(id, r.src);
    m.live.set(id, { req: r.req, src: r.src });
  };

  const allocate = (src: string, req: [string, number][], extra: Record<string, unknown>, key: string | undefined, priority: number): void => {
    const out = send(src, { type: 'allocate', requirements: wire(req), ...extra });
    const b = out[0]!.body;
    // Unknown types are refused before anything else, retry or not.
    if (req.some(([t]) => !m.capacity.has(t))) {
      expect([out.length, b.type, b.code]).toEqual([1, 'error', 12]);
      return;
    }
    const prior = key === undefined ? undefined : m.keys.get(`${src}/${key}`);
    if (prior !== undefined) {
      // A retry: the same outcome as the first time, never a new request.
      expect(out).toHaveLength(1);
      if (!sameReq(prior.req, req)) expect([b.type, b.code]).toEqual(['error', 22]);
      else if (prior.state === 'granted') expect([b.type, b.allocation_id]).toEqual(['allocated', prior.allocationId]);
      else if (prior.state === 'waiting') expect(b.type).toBe('queued');
      else expect([b.type, b.code]).toEqual(['error', 22]);
      return;
    }
    const r: Request = { src, msgId: m.msgId, req, priority, seq: ++m.seq, key, state: 'waiting' };
    m.requests.set(rid(src, r.msgId), r);
    if (key !== undefined) m.keys.set(`${src}/${key}`, r);
    if (b.type === 'allocated') grant(r, b);
    else expect(b.type).toBe('queued');
    consequences(out.slice(1));
  };

  const liveIds = () => [...m.live.keys()];
  for (const op of ops) {
    switch (op.op) {
      case 'allocate': {
        const extra: Record<string, unknown> = {};
        if (op.priority !== undefined) extra.priority = op.priority;
        if (op.timeout !== undefined) extra.timeout_ms = op.timeout;
        if (op.lease !== undefined) extra.lease_ms = op.lease;
        if (op.key !== undefined) extra.request_id = op.key;
        allocate(op.src, op.req, extra, op.key, op.priority ?? 0);
        break;
      }
      case 'retry': {
        const keyed = [...m.keys.values()];
        if (keyed.length === 0) break;
        const r = keyed[op.pick % keyed.length]!;
        allocate(r.src, r.req, { request_id: r.key, priority: r.priority }, r.key, r.priority);
        break;
      }
      case 'release': {
        const ids = [...m.everIssued, 'never-issued'];
        const id = ids[op.pick % ids.length]!;
        const holder = m.holders.get(id);
        const by = op.by ?? holder ?? 'a';
        const out = send(by, { type: 'release', allocation_id: id, ...(op.status === undefined ? {} : { job_status: op.status }) });
        const b = out[0]!.body;
        if (holder !== undefined && by !== holder) {
          // Only the holder may release, live or ended: nothing changes.
          expect([out.length, b.code, b.text]).toEqual([1, 22, `allocation "${id}" ${m.live.has(id) ? 'is' : 'was'} held by "${holder}": only its holder may release it`]);
        } else if (m.live.has(id)) {
          expect(b.type).toBe('released');
          m.live.delete(id);
        } else if (id === 'never-issued') expect(b.code).toBe(20);
        else expect(b.type === 'released' || b.code === 22).toBe(true);
        consequences(out.slice(1));
        break;
      }
      case 'cancel': {
        const mine = [...m.requests.values()].filter((r) => r.src === op.src);
        const r = mine.length === 0 ? undefined : mine[op.pick % mine.length]!;
        const target = r?.msgId ?? 0;
        const out = send(op.src, { type: 'cancel', request_msg_id: target });
        const b = out[0]!.body;
        if (r?.state === 'waiting') {
          expect(b).toEqual({ type: 'cancelled', in_reply_to: m.msgId, request_msg_id: target });
          r.state = 'cancelled';
        } else if (r?.state === 'granted' && m.live.has(r.allocationId!)) expect(b.code).toBe(22);
        else expect(b.code).toBe(20);
        consequences(out.slice(1));
        break;
      }
      case 'tick': {
        const out = send('t', { type: 'tick', ms: op.ms });
        expect(out[0]!.body.type).toBe('tick_ok');
        consequences(out.slice(1));
        break;
      }
      case 'renew': {
        const ids = liveIds();
        if (ids.length === 0) break;
        const id = ids[op.pick % ids.length]!;
        const holder = m.live.get(id)!.src;
        const by = op.by ?? holder;
        const out = send(by, { type: 'renew', allocation_id: id, ...(op.lease === undefined ? {} : { lease_ms: op.lease }) });
        expect(out).toHaveLength(1);
        if (by !== holder) expect([out[0]!.body.code, out[0]!.body.text]).toEqual([22, `allocation "${id}" is held by "${holder}": only its holder may renew it`]);
        else expect(['renewed', 22]).toContain(out[0]!.body.type === 'renewed' ? 'renewed' : out[0]!.body.code);
        break;
      }
      case 'submit_job': {
        const out = send(op.src, { type: 'submit_job', category: op.category, jobs: op.jobs, ...(op.limit === undefined ? {} : { concurrency_limit: op.limit }) });
        const b = out[0]!.body;
        let c = m.categories.get(op.category);
        if (c === undefined && op.limit === undefined) {
          expect([out.length, b.code]).toEqual([1, 12]);
          break;
        }
        c ??= { limit: op.limit!, running: [], waiting: [], next: 1, submitter: new Map(), lowered: false };
        m.categories.set(op.category, c);
        c.limit = op.limit ?? c.limit;
        if (c.running.length > c.limit) c.lowered = true;
        startJobs(c);
        for (let i = 0; i < op.jobs; i++) {
          c.submitter.set(c.next, op.src);
          c.waiting.push({ n: c.next++, src: op.src });
        }
        const before = c.waiting.length;
        startJobs(c);
        expect(b).toEqual({ type: 'jobs_submitted', in_reply_to: m.msgId, queued: op.jobs - (before - c.waiting.length), running: c.running.length, waiting: c.waiting.length });
        // Older jobs a raised cap starts are counted, never announced: a core reply comes alone.
        expect(out).toHaveLength(1);
        break;
      }
      case 'complete_job': {
        const c = m.categories.get(op.category);
        const issued = c === undefined ? 0 : c.next - 1;
        const n = op.pick === undefined ? undefined : (op.pick % (issued + 1)) + 1; // may be one past the last issued
        const out = send('z', { type: 'complete_job', category: op.category, ...(n === undefined ? {} : { job_id: `${op.category}#${n}` }) });
        const b = out[0]!.body;
        if (c === undefined) {
          expect(b.code).toBe(20);
          break;
        }
        const done = n ?? c.running[0];
        if (done === undefined) {
          expect(b.code).toBe(22);
          break;
        }
        if (!c.running.includes(done)) {
          expect(b.code).toBe(done > issued ? 20 : 22);
          break;
        }
        c.running.splice(c.running.indexOf(done), 1);
        const started = startJobs(c);
        expect(b).toEqual({ type: 'job_completed', in_reply_to: m.msgId, category: op.category, job_id: `${op.category}#${done}`, running: c.running.length, waiting: c.waiting.length, started: started.map((j) => `${op.category}#${j.n}`) });
        expect(out.slice(1)).toEqual(started.map((j) => ({ src: 'n1', dest: j.src, body: { type: 'job_started', category: op.category, job_id: `${op.category}#${j.n}` } })));
        break;
      }
      case 'set_capacity': {
        const out = send('a', { type: 'set_capacity', resources: { [op.type]: op.units / 1000 } });
        expect(out[0]!.body.type).toBe('capacity_updated');
        m.capacity.set(op.type, op.units);
        consequences(out.slice(1));
        break;
      }
    }
    checkInvariants(node, m, drainCheck);
  }

  // Never lost: with room for everything, every request still waiting is granted now.
  const room = Object.fromEntries([...m.capacity.keys()].map((t) => [t, 1e9]));
  consequences(send('a', { type: 'set_capacity', resources: room }).slice(1));
  for (const t of m.capacity.keys()) m.capacity.set(t, 1e12);
  expect(m.waiting()).toEqual([]);
  checkInvariants(node, m, drainCheck);
}

/** Starts waiting jobs, oldest first, while the cap allows; returns them. */
function startJobs(c: ModelCategory): { n: number; src: string }[] {
  const started: { n: number; src: string }[] = [];
  while (c.running.length < c.limit && c.waiting.length > 0) {
    const j = c.waiting.shift()!;
    c.running.push(j.n);
    started.push(j);
  }
  return started;
}

// Checked after every step of every run: expect() runs only on a difference, which it then
// reports (a deep-equal pass under node:util implies a toEqual pass), so passing steps stay cheap.
function same(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) expect(actual, message).toBe(expected);
}
function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}

function checkInvariants(node: ResourceNode, m: Model, drainCheck: 'none' | 'head' | 'all'): void {
  const s = JSON.parse(node.handle(JSON.stringify({ src: 'z', dest: 'n1', body: { type: 'status', msg_id: 0 } }))[0]!).body;
  const types = [...m.capacity.keys()];
  equal(Object.keys(s.capacity), types);
  for (const t of types) {
    const cap = m.capacity.get(t)!;
    const held = m.held(t);
    same(s.capacity[t], cap / 1000);
    same(s.allocated[t], held / 1000, `allocated ${t}`);
    same(s.free[t], Math.max(0, cap - held) / 1000, `free ${t}`);
    same(Math.round(s.allocated[t] * 1000) + Math.round(s.free[t] * 1000), Math.max(cap, held));
    equal(s.pools[t], { total: s.capacity[t], free: s.free[t], acquired: s.allocated[t] });
  }
  same(s.allocations, m.live.size);
  // A category runs at most its limit, unless the limit was lowered under running jobs.
  equal(Object.keys(s.categories), [...m.categories.keys()]);
  for (const [name, c] of m.categories) {
    equal(s.categories[name], { limit: c.limit, running: c.running.length, waiting: c.waiting.length });
    if (c.running.length <= c.limit) c.lowered = false;
    same(c.running.length <= c.limit || c.lowered, true, `category ${name} runs over its limit`);
  }
  same(s.queued, m.waiting().length, 'waiting requests are never lost or duplicated');
  const waiting = m.waiting();
  if (drainCheck === 'all') {
    // Backfill without reservations: after every step, nothing waiting fits.
    for (const r of waiting) if (m.fits(r)) expect(m.fits(r), `waiting ${JSON.stringify(r.req)} fits`).toBe(false);
  } else if (drainCheck === 'head' && waiting.length > 0) {
    // fifo: the front of the queue (highest priority, then earliest) does not fit.
    const head = waiting.reduce((x, y) => (y.priority > x.priority || (y.priority === x.priority && y.seq < x.seq) ? y : x));
    same(m.fits(head), false, 'the head of a fifo queue never fits after a step');
  }
}

const ops = fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' });

describe('lifecycle properties under random sequences', () => {
  it('backfill without reservations: invariants hold and nothing that fits is left waiting', () => {
    fc.assert(fc.property(ops, (o) => run({ policy: 'backfill', maxBypass: 1e9 }, o, 'all')), { numRuns: 300 });
  });

  it('backfill with an eager starvation guard: invariants hold', () => {
    fc.assert(fc.property(ops, (o) => run({ policy: 'backfill', maxBypass: 1 }, o, 'none')), { numRuns: 200 });
  });

  it('fifo: invariants hold and the head never fits after a step', () => {
    fc.assert(fc.property(ops, (o) => run({ policy: 'fifo' }, o, 'head')), { numRuns: 300 });
  });
});
