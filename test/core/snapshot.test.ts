import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../src/core/events.js';
import type { ResourceManager } from '../../src/core/manager.js';
import { emptyState, fold, stateFromJson, stateToJson, toRecord, type State, type StateRecord } from '../../src/core/snapshot.js';
import { ResourceNode, type DurableStore } from '../../src/server/node.js';
import type { NodeConfig } from '../../src/server/config.js';

const REMEMBER = 100_000;

/** A DurableStore in memory: records folded at each commit, as the state directory does. */
class FoldingStore implements DurableStore {
  state: State | undefined;
  private pending: StateRecord[] = [];
  private names: ((t: number) => string) | undefined;
  constructor(readonly restored: State | undefined) {
    this.state = restored;
  }
  attach(m: ResourceManager): void {
    this.names = (t) => m.types.name(t);
    if (this.state === undefined) {
      this.state = emptyState([]);
      this.pending.push({ k: 'capacity', c: m.types.list().map((n, t): [string, number] => [n, m.capacityOf(t)]) });
    }
  }
  record(e: CoreEvent): void {
    const r = toRecord(e, this.names!);
    if (r !== undefined) this.pending.push(r);
  }
  commit(): void {
    // Through JSON, as on disk.
    for (const r of JSON.parse(JSON.stringify(this.pending)) as StateRecord[]) fold(this.state!, r, REMEMBER);
    this.pending = [];
  }
}

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A line of a mixed workload: allocations with leases, timeouts and request_ids, releases, cancels, renewals, reservations, jobs, tenants, capacity. */
function workload(rnd: () => number, n: number, ids: string[]): string[] {
  const lines: string[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 0; i < n; i++) {
    const src = pick(['c1', 'c2', 'c3']);
    const msgId = 1000 + lines.length;
    const r = rnd();
    let body: Record<string, unknown>;
    if (r < 0.35) {
      body = { type: 'allocate', requirements: [{ type: pick(['cpu', 'gpu', 'robot']), amount: pick([1, 2, 3]) }] };
      if (rnd() < 0.3) body.lease_ms = pick([50, 200, 1000]);
      if (rnd() < 0.3) body.timeout_ms = pick([50, 300]);
      if (rnd() < 0.3) body.request_id = `k${Math.floor(rnd() * 6)}`;
      if (rnd() < 0.2) body.tenant = pick(['t1', 't2']);
      if (rnd() < 0.2) body.priority = pick([1, 2]);
    } else if (r < 0.5 && ids.length > 0) body = { type: 'release', allocation_id: pick(ids), job_status: pick(['completed', 'failed']) };
    else if (r < 0.58) body = { type: 'cancel', request_msg_id: 1000 + Math.floor(rnd() * lines.length) };
    else if (r < 0.64 && ids.length > 0) body = { type: 'renew', allocation_id: pick(ids), lease_ms: 500 };
    else if (r < 0.7) body = { type: 'reserve', requirements: [{ type: 'cpu', amount: 1 }], hold_ms: pick([100, 2000]) };
    else if (r < 0.74 && ids.length > 0) body = { type: pick(['confirm', 'abort']), reservation_id: pick(ids) };
    else if (r < 0.8) body = { type: 'submit_job', category: pick(['heavy', 'light']), concurrency_limit: pick([1, 2]), jobs: pick([1, 3]) };
    else if (r < 0.85) body = { type: 'complete_job', category: pick(['heavy', 'light']) };
    else if (r < 0.88) body = { type: 'set_tenant', tenant: pick(['t1', 't2']), weight: 2, quota: { cpu: pick([2, 4]) } };
    else if (r < 0.9) body = { type: 'set_capacity', resources: { cpu: pick([4, 8]), disk: pick([1, 2]) } };
    else body = { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }], request_id: `k${Math.floor(rnd() * 6)}` };
    lines.push(JSON.stringify({ src, dest: 'n1', body: { ...body, msg_id: msgId } }));
  }
  return lines;
}

const config: Partial<NodeConfig> = { capacity: [['cpu', 8], ['gpu', 2]], pools: [['robot', ['r1', 'r2', 'r3']]] };

describe('snapshot: fold the records, restore a manager', () => {
  for (const seed of (process.env.SNAPSHOT_SEEDS ?? "1,2,3,4,5,6").split(",").map(Number)) {
    it(`a restored node answers the rest of a workload exactly as the node that ran it (seed ${seed})`, () => {
      const rnd = random(seed);
      let now = 1_000_000;
      let idCount = 0;
      const io = { clock: () => now, newId: () => `id-${++idCount}` };
      const store = new FoldingStore(undefined);
      const a = new ResourceNode(config, { ...io, durable: store });
      const ids: string[] = [];
      const run = (node: ResourceNode, lines: readonly string[], times: readonly number[]): string[] => {
        const out: string[] = [];
        lines.forEach((line, i) => {
          now = times[i]!;
          out.push(...node.fireDeadlines(), ...node.handle(line));
          node.commit();
        });
        return out;
      };
      const first = workload(rnd, 150, ids);
      const t1 = first.map((_, i) => 1_000_000 + i * 7);
      // Ids handed out so far feed the later lines' releases and confirms.
      const out1 = run(a, first, t1);
      for (const l of out1) {
        const m = /"(?:allocation|reservation)_id":"([^"]+)"/.exec(l);
        if (m !== null) ids.push(m[1]!);
      }
      const saved = stateFromJson(JSON.parse(JSON.stringify(stateToJson(store.state!))));
      const idsAtSave = idCount;
      const rest = workload(rnd, 150, ids);
      const t2 = rest.map((_, i) => t1.at(-1)! + 13 + i * 9);
      const status = JSON.stringify({ src: 'c9', dest: 'n1', body: { type: 'status', msg_id: 1 } });
      const before = a.handle(status);
      const outA = run(a, rest, t2);
      idCount = idsAtSave;
      now = t1.at(-1)!;
      const b = new ResourceNode(config, { ...io, durable: new FoldingStore(saved) });
      expect(b.handle(status)).toEqual(before);
      const outB = run(b, rest, t2);
      expect(outB).toEqual(outA);
      expect(outA.length).toBeGreaterThan(100);
    });
  }
});
