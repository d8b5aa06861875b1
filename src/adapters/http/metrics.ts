import type { Metric, MetricValueWithName, Registry } from 'prom-client';
import { fromUnits } from '../../core/ledger/amounts.js';
import { EXPLAIN_REASONS } from '../../core/contention/index.js';
import type { ResourceManager } from '../../core/manager.js';
import { MESSAGE_TYPES, NodeCounters, WAIT_BUCKETS } from './counters.js';
import { boundedTenants } from './tenants.js';

/** The Prometheus registry of a node: loads prom-client, so only `--http` pays for it. */
export async function nodeRegistry(manager: ResourceManager, counters: NodeCounters): Promise<Registry> {
  // Only the parts used: prom-client's index also loads its push gateway, default metrics and
  // cluster support, ten times the CPU at start (about 40 ms; docs/benchmarks.md, figure 8b).
  const [{ default: Registry }, { default: Gauge }, { default: Counter }] = await Promise.all([
    import('prom-client/lib/registry.js'),
    import('prom-client/lib/gauge.js'),
    import('prom-client/lib/counter.js'),
  ]);
  const prom = { Gauge, Counter };
  const registry = new Registry();
  const registers = [registry];
  const names = manager.types;
  const perResource = (name: string, help: string, units: (t: number) => number): void => {
    new prom.Gauge({
      name,
      help,
      labelNames: ['resource'],
      registers,
      collect() {
        for (let t = 0; t < names.size; t++) this.set({ resource: names.name(t) }, fromUnits(units(t)));
      },
    });
  };
  perResource('resource_node_capacity', 'Total capacity of each resource type.', (t) => manager.capacityOf(t));
  perResource('resource_node_allocated', 'Units held by live allocations and reservations, per resource type.', (t) => manager.allocatedOf(t));
  perResource('resource_node_free', 'Units free now, per resource type.', (t) => manager.freeOf(t));

  new prom.Gauge({
    name: 'resource_node_waiting_requests',
    help: 'Requests waiting in the queue, by the reason explain gives.',
    labelNames: ['reason'],
    registers,
    collect() {
      const counts = new Map<string, number>(EXPLAIN_REASONS.map((r) => [r, 0]));
      if (manager.waiting > 0) for (const [reason, n] of manager.contention().byReason) counts.set(reason, n);
      for (const [reason, n] of counts) this.set({ reason }, n);
    },
  });

  new prom.Gauge({
    name: 'resource_node_tenant_held',
    help: 'Units each tenant holds, per resource type (the first 50 tenants the node knew, the rest summed as "(other)").',
    labelNames: ['tenant', 'resource'],
    registers,
    collect() {
      this.reset();
      for (const tenant of boundedTenants(manager)) {
        for (let t = 0; t < names.size; t++) this.set({ tenant: tenant.name, resource: names.name(t) }, fromUnits(tenant.held[t]!));
      }
    },
  });

  new prom.Counter({
    name: 'resource_node_grants_total',
    help: 'Allocations granted to an allocate, at once or after waiting (reservations not counted).',
    registers,
    collect() {
      this.reset();
      this.inc(counters.grants);
    },
  });
  new prom.Counter({
    name: 'resource_node_releases_total',
    help: 'Allocations ended: by their job_status ("none" when absent), "lease_expired" or "preempted".',
    labelNames: ['job_status'],
    registers,
    collect() {
      this.reset();
      for (const [jobStatus, n] of counters.releases) this.inc({ job_status: jobStatus }, n);
    },
  });
  new prom.Counter({
    name: 'resource_node_preemptions_total',
    help: 'Allocations ended by preemption.',
    registers,
    collect() {
      this.reset();
      this.inc(counters.preemptions);
    },
  });
  new prom.Counter({
    name: 'resource_node_messages_total',
    help: 'Requests answered, by message type (unknown types as "other").',
    labelNames: ['type'],
    registers,
    collect() {
      this.reset();
      for (let i = 0; i <= MESSAGE_TYPES.length; i++) this.inc({ type: MESSAGE_TYPES[i] ?? 'other' }, counters.messages[i]!);
    },
  });
  new prom.Counter({
    name: 'resource_node_errors_total',
    help: 'Error replies, by error code.',
    labelNames: ['code'],
    registers,
    collect() {
      this.reset();
      for (const [code, n] of counters.errors) this.inc({ code: String(code) }, n);
    },
  });
  // Read from the counters' own buckets at scrape time: a prom-client Histogram's observe per
  // grant cost about a fifth of stdio throughput (figure 8b).
  registry.registerMetric(waitHistogram(counters) as unknown as Metric);
  return registry;
}

/** resource_node_wait_seconds as a metric the registry writes: cumulative buckets, sum and count. */
function waitHistogram(counters: NodeCounters): { name: string; help: string; type: string; get(): { name: string; help: string; type: string; values: MetricValueWithName<string>[]; aggregator: string }; reset(): void } {
  const name = 'resource_node_wait_seconds';
  const help = 'Time from a request to its grant, in seconds (0 for a grant at once).';
  return {
    name,
    help,
    type: 'histogram',
    get() {
      const values: MetricValueWithName<string>[] = [];
      let cumulative = 0;
      for (let b = 0; b <= WAIT_BUCKETS.length; b++) {
        cumulative += counters.waitBuckets[b]!;
        values.push({ metricName: `${name}_bucket`, labels: { le: b < WAIT_BUCKETS.length ? WAIT_BUCKETS[b]! : '+Inf' }, value: cumulative });
      }
      values.push({ metricName: `${name}_sum`, labels: {}, value: counters.waitSum });
      values.push({ metricName: `${name}_count`, labels: {}, value: counters.waitCount });
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {},
  };
}
