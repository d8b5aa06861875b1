import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../src/server/config.js';
import { ResourceNode } from '../../src/server/node.js';
import { checkReplySchema, type Out } from '../server/lifecycle-support.js';

// Random reserve, confirm, abort, tick, allocate, release, cancel and retry sequences against a
// whole node (--deterministic), each step checked against what the node told its clients:
// - a reservation's resources (and members) are held by it alone until it is confirmed (then by
//   its allocation), aborted or expired: the ledger's allocated is exactly the sum of live
//   allocations and reservations as the messages describe them, never above capacity;
// - every reservation ends exactly once: confirmed, aborted or expired, and expires when the
//   clock reaches its hold (not before, not later); repeats are answered alike, late ones refused.

const CLIENTS = ['a', 'b', 'c'];
const TYPES = ['cpu', 'gpu', 'robot'];
const CAPACITY: Record<string, number> = { cpu: 6, gpu: 2, robot: 3 };

type Op =
  | { op: 'reserve'; src: string; req: [string, number][]; hold: number; priority?: number; timeout?: number; key?: string; tenant?: string }
  | { op: 'confirm'; pick: number; lease?: number; by?: string }
  | { op: 'abort'; pick: number; by?: string }
  | { op: 'allocate'; src: string; req: [string, number][]; priority?: number }
  | { op: 'release'; pick: number }
  | { op: 'cancel'; src: string; pick: number }
  | { op: 'retry'; pick: number }
  | { op: 'tick'; ms: number };

const requirement = fc.uniqueArray(fc.tuple(fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3, selector: ([t]) => t });
const client = fc.constantFrom(...CLIENTS);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      { op: fc.constant('reserve' as const), src: client, req: requirement, hold: fc.integer({ min: 1, max: 40 }), priority: maybe(fc.integer({ min: 0, max: 2 })), timeout: maybe(fc.integer({ min: 1, max: 40 })), key: maybe(fc.constantFrom('k1', 'k2')), tenant: maybe(fc.constantFrom('t1', 't2')) },
      { requiredKeys: ['op', 'src', 'req', 'hold'] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('confirm' as const), pick: fc.nat(), lease: maybe(fc.integer({ min: 1, max: 40 })), by: maybe(client) }, { requiredKeys: ['op', 'pick'] }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat(), by: maybe(client) }, { requiredKeys: ['op', 'pick'] }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('allocate' as const), src: client, req: requirement, priority: maybe(fc.integer({ min: 0, max: 3 })) }, { requiredKeys: ['op', 'src', 'req'] }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), src: client, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retry' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 25 }) }) },
);

interface Holding {
  readonly id: string;
  readonly src: string;
  readonly resources: Record<string, number>;
  readonly members: string[];
}

interface ReservationModel extends Holding {
  deadline: number;
  state: 'live' | 'confirmed' | 'aborted' | 'expired';
  allocationId?: string;
}

interface Sent {
  readonly src: string;
  readonly msgId: number;
  readonly body: Record<string, unknown>;
}

class Model {
  now = 0;
  readonly reservations = new Map<string, ReservationModel>();
  readonly allocations = new Map<string, Holding>();
  /** Requests (allocates and reserves) that were answered queued and not yet settled, by src and msg_id. */
  readonly waiting = new Map<string, Sent>();
  readonly reserves: Sent[] = [];

  /** Reads one message the node wrote (after the reply to `sent`, if any). */
  read(m: Out, sent: Sent): void {
    const b = m.body;
    const key = `${m.dest}/${String(b.in_reply_to)}`;
    switch (b.type) {
      case 'reserved': {
        this.waiting.delete(key);
        const id = String(b.reservation_id);
        const known = this.reservations.get(id);
        // A retried request_id answers the same reservation again: it makes nothing.
        if (known !== undefined) {
          expect(b.expires_in_ms).toBe(known.state === 'live' ? known.deadline - this.now : 0);
          return;
        }
        expect(b.expires_in_ms).toBeGreaterThan(0);
        this.reservations.set(id, { id, src: m.dest, resources: b.resources as Record<string, number>, members: membersOf(b), deadline: this.now + Number(b.expires_in_ms), state: 'live' });
        return;
      }
      case 'queued':
        this.waiting.set(`${sent.src}/${sent.msgId}`, sent);
        return;
      case 'allocated':
        this.waiting.delete(key);
        this.allocations.set(String(b.allocation_id), { id: String(b.allocation_id), src: m.dest, resources: b.resources as Record<string, number>, members: membersOf(b) });
        return;
      case 'confirmed': {
        const r = this.reservations.get(String(b.reservation_id))!;
        if (r.state === 'confirmed') {
          expect(b.allocation_id).toBe(r.allocationId);
          return;
        }
        expect(r.state).toBe('live');
        expect(this.now).toBeLessThan(r.deadline);
        r.state = 'confirmed';
        r.allocationId = String(b.allocation_id);
        expect(b.resources).toEqual(r.resources);
        // The same members pass to the allocation.
        this.allocations.set(r.allocationId, { id: r.allocationId, src: r.src, resources: r.resources, members: membersOf(b) });
        expect(membersOf(b)).toEqual(r.members);
        return;
      }
      case 'aborted': {
        const r = this.reservations.get(String(b.reservation_id))!;
        expect(['live', 'aborted']).toContain(r.state);
        if (r.state === 'live') expect(this.now).toBeLessThan(r.deadline);
        r.state = 'aborted';
        expect(b.resources_freed).toEqual(r.resources);
        return;
      }
      case 'reservation_expired': {
        const r = this.reservations.get(String(b.reservation_id))!;
        expect(r.state).toBe('live');
        expect(this.now).toBeGreaterThanOrEqual(r.deadline);
        expect(m.dest).toBe(r.src);
        r.state = 'expired';
        return;
      }
      case 'released':
      case 'lease_expired':
      case 'preempted':
        this.allocations.delete(String(b.allocation_id));
        return;
      case 'cancelled':
        this.waiting.delete(`${sent.src}/${String(b.request_msg_id)}`);
        return;
      case 'error':
        if (b.code === 0) this.waiting.delete(key);
        return;
      default:
        return;
    }
  }

  /** What a confirm or abort of `r` must be answered, judged before it is sent. */
  expectedCode(op: 'confirm' | 'abort', r: ReservationModel, by: string): number | undefined {
    if (by !== r.src) return 22;
    if (r.state === 'live') return r.deadline <= this.now ? 22 : undefined;
    if (r.state === 'expired') return 22;
    if (op === 'confirm') return r.state === 'confirmed' ? undefined : 22;
    return r.state === 'aborted' ? undefined : 22;
  }

  live(): Holding[] {
    return [...this.allocations.values(), ...[...this.reservations.values()].filter((r) => r.state === 'live')];
  }
}

function membersOf(b: Record<string, unknown>): string[] {
  const m = b.members as Record<string, string[]> | undefined;
  return m === undefined ? [] : Object.values(m).flat();
}

function run(config: Partial<NodeConfig>, ops: Op[]): void {
  const node = new ResourceNode({ deterministic: true, capacity: [['cpu', 6], ['gpu', 2]], pools: [['robot', ['r1', 'r2', 'r3']]], ...config });
  const model = new Model();
  let msgId = 0;
  const send = (src: string, body: Record<string, unknown>): Out[] => {
    const sent: Sent = { src, msgId: ++msgId, body };
    const out = node.handle(JSON.stringify({ src, dest: 'n1', body: { ...body, msg_id: sent.msgId } })).map((l) => JSON.parse(l) as Out);
    for (const m of out) {
      checkReplySchema(m);
      model.read(m, sent);
    }
    if (body.type === 'reserve' && out[0]?.body.type !== 'error') model.reserves.push(sent);
    return out;
  };
  const reqs = (req: [string, number][]) => req.map(([type, amount]) => ({ type, amount }));
  const pickReservation = (pick: number): ReservationModel | undefined => {
    const all = [...model.reservations.values()];
    return all.length === 0 ? undefined : all[pick % all.length];
  };

  for (const o of ops) {
    switch (o.op) {
      case 'reserve':
        send(o.src, { type: 'reserve', requirements: reqs(o.req), hold_ms: o.hold, priority: o.priority, timeout_ms: o.timeout, request_id: o.key, tenant: o.tenant });
        break;
      case 'confirm':
      case 'abort': {
        const r = pickReservation(o.pick);
        if (r === undefined) break;
        const by = o.by ?? r.src;
        const code = model.expectedCode(o.op, r, by);
        const out = send(by, { type: o.op, reservation_id: r.id, lease_ms: o.op === 'confirm' ? o.lease : undefined });
        expect(out[0]!.body.type === 'error' ? out[0]!.body.code : undefined).toBe(code);
        break;
      }
      case 'allocate':
        send(o.src, { type: 'allocate', requirements: reqs(o.req), priority: o.priority });
        break;
      case 'release': {
        const live = [...model.allocations.values()];
        if (live.length === 0) break;
        const a = live[o.pick % live.length]!;
        send(a.src, { type: 'release', allocation_id: a.id });
        break;
      }
      case 'cancel': {
        const mine = [...model.waiting.values()].filter((w) => w.src === o.src);
        if (mine.length === 0) break;
        send(o.src, { type: 'cancel', request_msg_id: mine[o.pick % mine.length]!.msgId });
        break;
      }
      case 'retry': {
        if (model.reserves.length === 0) break;
        const first = model.reserves[o.pick % model.reserves.length]!;
        send(first.src, first.body);
        break;
      }
      case 'tick':
        model.now += o.ms;
        send('t', { type: 'tick', ms: o.ms });
        break;
    }
    // No live reservation outlives its hold.
    for (const r of model.reservations.values()) if (r.state === 'live') expect(r.deadline).toBeGreaterThan(model.now);
    check(node, model);
  }
}

/** The node's ledger holds exactly what its messages handed out, each member by one holder. */
function check(node: ResourceNode, model: Model): void {
  const status = JSON.parse(node.handle(JSON.stringify({ src: 'watch', dest: 'n1', body: { type: 'status', msg_id: 0 } }))[0]!).body;
  const live = model.live();
  for (const t of TYPES) {
    const sum = live.reduce((s, h) => s + (h.resources[t] ?? 0), 0);
    expect(status.allocated[t], t).toBe(sum);
    expect(sum).toBeLessThanOrEqual(CAPACITY[t]!);
    expect(status.free[t]).toBe(CAPACITY[t]! - sum);
  }
  const reservations = [...model.reservations.values()].filter((r) => r.state === 'live');
  expect(status.reservations ?? 0).toBe(reservations.length);
  expect(status.allocations).toBe(model.allocations.size);
  const holders: Record<string, string | null> = { r1: null, r2: null, r3: null };
  for (const h of live) for (const m of h.members) holders[m] = h.id;
  expect(status.pools.robot.members).toEqual(holders);
}

describe('reservations, through a whole node', () => {
  const settings: [string, Partial<NodeConfig>][] = [
    ['backfill', {}],
    ['fifo', { policy: 'fifo' }],
    ['drf with a quota', { policy: 'drf', tenants: [['t1', { quota: [['gpu', 1]] }]] }],
    ['preemption of lower priorities', { preemption: 'lower-priority' }],
    ['the starvation guard at once', { maxBypass: 0 }],
  ];
  for (const [label, config] of settings) {
    it(`hold their resources alone until they end, and end exactly once (${label})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => run(config, ops)),
        { numRuns: 120 },
      );
    });
  }
});
