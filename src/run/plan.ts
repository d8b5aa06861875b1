import type { JobSpec } from './job.js';
import type { LinkSink, NodeLink } from './link.js';

/** What the node said it has: capacity per type, and the members of each pool type. */
export interface NodeShape {
  readonly capacity: Readonly<Record<string, number>>;
  readonly free: Readonly<Record<string, number>>;
  readonly members: Readonly<Record<string, readonly string[]>>;
}

/** How a job stands against the node before anything runs. */
export type Fit = 'fits now' | 'waits' | 'larger than capacity' | 'unknown type';

export interface PlannedJob {
  readonly job: JobSpec;
  readonly fit: Fit;
  /** For `unknown type` and `larger than capacity`: which type, in words. */
  readonly why?: string;
}

/** Reads the shape of a `status_ok` body. */
export function nodeShape(body: Record<string, unknown>): NodeShape {
  const pools = (body.pools ?? {}) as Record<string, { members?: Record<string, unknown> }>;
  const members: Record<string, string[]> = {};
  for (const [type, p] of Object.entries(pools)) if (p.members !== undefined) members[type] = Object.keys(p.members);
  return { capacity: (body.capacity ?? {}) as Record<string, number>, free: (body.free ?? {}) as Record<string, number>, members };
}

/** Each job against the node's capacity and what is free now, in file order as they are submitted (as if none ended). */
export function plan(jobs: readonly JobSpec[], shape: NodeShape): PlannedJob[] {
  const free = new Map(Object.entries(shape.free));
  const known = Object.keys(shape.capacity);
  const out = new Map<JobSpec, PlannedJob>();
  for (const job of jobs) {
    const unknown = job.requirements.find((r) => !known.includes(r.type));
    if (unknown !== undefined) {
      out.set(job, { job, fit: 'unknown type', why: `the node has no resource type ${JSON.stringify(unknown.type)} (it has ${known.map((k) => JSON.stringify(k)).join(', ')})` });
      continue;
    }
    const over = job.requirements.find((r) => r.amount > shape.capacity[r.type]!);
    if (over !== undefined) {
      out.set(job, { job, fit: 'larger than capacity', why: `it needs ${over.type} ${over.amount}, the node's whole capacity is ${shape.capacity[over.type]}` });
      continue;
    }
    const fits = job.requirements.every((r) => r.amount <= free.get(r.type)!);
    if (fits) for (const r of job.requirements) free.set(r.type, free.get(r.type)! - r.amount);
    out.set(job, { job, fit: fits ? 'fits now' : 'waits' });
  }
  return jobs.map((job) => out.get(job)!);
}

/** `cpu 2, gpu 1` */
export function requirementText(job: JobSpec): string {
  return job.requirements.map((r) => `${r.type} ${r.amount}`).join(', ');
}

/** A command as a shell would need it typed. */
export function shellWords(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:,+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The plan as `--dry-run` prints it: one line per job in the order the node would consider them. */
export function planText(planned: readonly PlannedJob[], shape: NodeShape): string {
  const width = Math.max(4, ...planned.map((p) => p.job.name.length));
  const lines = [`capacity: ${Object.entries(shape.capacity).map(([t, n]) => `${t} ${n}`).join(', ')}${Object.keys(shape.members).length === 0 ? '' : `; members: ${Object.entries(shape.members).map(([t, m]) => `${t} ${m.join(',')}`).join('; ')}`}`];
  lines.push(`${planned.length} job${planned.length === 1 ? '' : 's'}, submitted at once in this order; those that wait start as others end, higher priority first:`);
  for (const p of planned) {
    const extras = [p.job.priority === undefined ? '' : `priority ${p.job.priority}`, p.job.timeoutMs === undefined ? '' : `timeout ${p.job.timeoutMs} ms`, p.job.leaseMs === undefined ? '' : `lease ${p.job.leaseMs} ms`].filter((x) => x !== '');
    lines.push(`  ${p.job.name.padEnd(width)}  ${p.fit.padEnd(20)}  ${requirementText(p.job)}${extras.length === 0 ? '' : `; ${extras.join(', ')}`}`);
    lines.push(`  ${' '.repeat(width)}  $ ${shellWords(p.job.command)}`);
    if (p.why !== undefined) lines.push(`  ${' '.repeat(width)}  ! ${p.why}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A run that cannot start: a job the node can never grant, or a node that is not there. */
export class RunError extends Error {}

/** The node's shape, asked once before anything is submitted. */
export async function askShape(open: (sink: LinkSink) => NodeLink | Promise<NodeLink>, src: string): Promise<{ shape: NodeShape; link: NodeLink; sink: { target?: LinkSink } }> {
  const sink: { target?: LinkSink } = {};
  let answered: (shape: NodeShape) => void = () => {};
  let failed: (reason: string) => void = () => {};
  const shape = new Promise<NodeShape>((resolve, reject) => {
    answered = resolve;
    failed = (reason) => reject(new Error(reason));
  });
  const link = await open({
    message(m) {
      if (sink.target !== undefined) return sink.target.message(m);
      if (m.dest === src && m.body.type === 'status_ok') answered(nodeShape(m.body as Record<string, unknown>));
      else if (m.dest === src && m.body.type === 'error') failed(m.body.code === 14 ? `the node refused the connection: ${String(m.body.text)}` : `the node refused status: ${String(m.body.text)}`);
    },
    failed(reason) {
      if (sink.target !== undefined) return sink.target.failed(reason);
      failed(reason);
    },
  });
  link.send([{ src, body: { type: 'status', msg_id: 1 } }]);
  try {
    return { shape: await shape, link, sink };
  } catch (e) {
    link.kill();
    throw e;
  }
}

/** Checks the jobs against the node; throws RunError for a job it can never grant. */
export function checkPlan(planned: readonly PlannedJob[], o: { readonly capacityIsFixed: boolean; readonly onNotice?: (text: string) => void }): void {
  const never = planned.filter((p) => p.fit === 'unknown type' || (o.capacityIsFixed && p.fit === 'larger than capacity'));
  if (never.length > 0) throw new RunError(never.map((p) => `job ${p.job.name} can never run: ${p.why}`).join('\n'));
  for (const p of planned) if (p.fit === 'larger than capacity') o.onNotice?.(`job ${p.job.name} waits until the node's capacity grows: ${p.why}`);
}
