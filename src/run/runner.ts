import type { JobSpec } from './job.js';
import type { LinkSink, Message, NodeLink } from './link.js';
import { askShape, checkPlan, plan } from './plan.js';
import { JobProcess, type Exit } from './process.js';
import type { JobStatus, RunEvent, RunRecord } from './timeline.js';

export interface RunnerOptions {
  readonly jobs: readonly JobSpec[];
  /** Opens the stream of envelopes to the node. */
  readonly open: (sink: LinkSink) => NodeLink | Promise<NodeLink>;
  /** Between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** Put before each job's name to make its client name (`host-123/`), so that runners sharing a node do not mix. */
  readonly clientPrefix: string;
  /** A job larger than the node's capacity is an error (our own node: nothing else changes its capacity). */
  readonly capacityIsFixed: boolean;
  /** Extra variables for every job's environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: () => number;
  readonly onEvent?: (e: RunEvent) => void;
  readonly onOutput?: (job: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** The clock reading the jobs are submitted at (every event's `at` counts from it), and the lanes of the pictures. */
  readonly onStart?: (start: number, lanes: Pick<RunRecord, 'laneType' | 'members'>) => void;
  /** Notices for stderr (a job larger than a remote node's capacity waits, ...). */
  readonly onNotice?: (text: string) => void;
}

export interface JobResult {
  readonly job: JobSpec;
  readonly status: JobStatus;
  /** `exit 3`, `SIGTERM`, the node's refusal. */
  readonly detail: string | undefined;
  /** Why the runner stopped it, if it did. */
  readonly stopped: string | undefined;
  readonly waitedMs: number;
  readonly ranMs: number;
}

export interface RunOutcome {
  readonly record: RunRecord;
  readonly results: readonly JobResult[];
  /** Set when a signal ended the run early. */
  readonly interrupted: NodeJS.Signals | undefined;
  /** Set when the node went away. */
  readonly lost: string | undefined;
}

type State = 'submitted' | 'waiting' | 'running' | 'ended';

interface Job {
  readonly spec: JobSpec;
  readonly src: string;
  state: State;
  nextMsgId: number;
  allocationId?: string;
  /** True while the node still holds the allocation for us. */
  held: boolean;
  process?: JobProcess;
  timers: NodeJS.Timeout[];
  stopped?: string;
  waitedFrom: number;
  started: number;
  ended: number;
  status?: JobStatus;
  detail?: string;
  /** The msg_ids of releases and cancels sent and not yet answered. */
  readonly owed: Set<number>;
}

/**
 * Runs every job under an allocation of the node: all are submitted at once (the node's
 * queue decides the order), each granted one is spawned in its own process group, and at
 * its exit released with its job status. Lease expiry, preemption and timeouts stop the
 * group (SIGTERM, then SIGKILL after the grace). `interrupt` stops launching, stops what
 * runs, releases everything and resolves.
 */
export class Runner {
  private readonly jobs: Job[];
  private readonly bySrc = new Map<string, Job>();
  private readonly events: RunEvent[] = [];
  private readonly clock: () => number;
  private start = 0;
  private interrupted: NodeJS.Signals | undefined;
  private lost: string | undefined;
  private link!: NodeLink;
  private finished!: (o: RunOutcome) => void;
  private closing = false;

  constructor(private readonly o: RunnerOptions) {
    this.clock = o.clock ?? (() => performance.now());
    this.jobs = o.jobs.map((spec) => ({ spec, src: `${o.clientPrefix}${spec.name}`, state: 'submitted', nextMsgId: 2, held: false, timers: [], waitedFrom: -1, started: -1, ended: -1, owed: new Set() }));
    for (const j of this.jobs) this.bySrc.set(j.src, j);
  }

  /** Asks the node's shape, checks the jobs against it, then runs them. */
  async run(): Promise<RunOutcome> {
    const { shape, link, sink } = await askShape(this.o.open, `${this.o.clientPrefix}resource-run`);
    try {
      checkPlan(plan(this.o.jobs, shape), this.o);
    } catch (e) {
      await link.close().catch(() => {});
      throw e;
    }
    this.link = link;
    const laneType = Object.keys(shape.members).find((type) => this.o.jobs.some((j) => j.requirements.some((r) => r.type === type)));
    const lanes = laneType === undefined ? {} : { laneType, members: shape.members[laneType]! };
    const done = new Promise<RunOutcome>((resolve) => (this.finished = resolve));
    sink.target = { message: (m) => this.message(m), failed: (reason) => this.nodeLost(reason) };
    this.start = this.clock();
    this.o.onStart?.(this.start, lanes);
    if (this.interrupted !== undefined) this.jobs.forEach((j) => this.end(j, 'cancelled', 'interrupted'));
    else {
      link.send(
        this.jobs.map((j) => ({
          src: j.src,
          body: {
            type: 'allocate',
            msg_id: 1,
            requirements: j.spec.requirements,
            ...(j.spec.priority === undefined ? {} : { priority: j.spec.priority }),
            ...(j.spec.leaseMs === undefined ? {} : { lease_ms: j.spec.leaseMs }),
          },
        })),
      );
    }
    this.settle();
    const outcome = await done;
    return { ...outcome, record: { ...outcome.record, ...lanes } };
  }

  /** Stops launching, stops every running group, releases everything. A second call kills at once. */
  interrupt(signal: NodeJS.Signals): void {
    const again = this.interrupted !== undefined;
    this.interrupted = signal;
    if (this.link === undefined) return;
    for (const j of this.jobs) {
      if (j.state === 'waiting') this.cancel(j);
      else if (j.state === 'running') {
        if (again) j.process?.kill();
        else this.stop(j, 'interrupted');
      }
    }
    this.settle();
  }

  /** SIGKILL to every group still running: the last word of a runner that is exiting however it exits (a bug included). */
  killAll(): void {
    for (const j of this.jobs) if (j.state === 'running') j.process?.kill();
  }

  private now(): number {
    return this.clock() - this.start;
  }

  /** Records an event now; returns its time, which the job's own times then match. */
  private record(e: Omit<RunEvent, 'at'>): number {
    const full = { at: this.now(), ...e } as RunEvent;
    this.events.push(full);
    this.o.onEvent?.(full);
    return full.at;
  }

  /** Sends a body from the job's client; `owed` when we wait for its answer before closing. */
  private send(j: Job, body: Record<string, unknown>, owed = false): void {
    if (this.lost !== undefined) return;
    const msgId = j.nextMsgId++;
    if (owed) j.owed.add(msgId);
    this.link.send([{ src: j.src, body: { ...body, msg_id: msgId } }]);
  }

  private message(m: Message): void {
    const j = this.bySrc.get(m.dest);
    if (j === undefined) return;
    const b = m.body;
    if (typeof b.in_reply_to === 'number') j.owed.delete(b.in_reply_to);
    switch (b.type) {
      case 'queued':
        if (j.state !== 'submitted') return;
        j.state = 'waiting';
        j.waitedFrom = this.record({ job: j.spec.name, kind: 'waits', reason: waitReason(j.spec, b) });
        if (this.interrupted !== undefined) this.cancel(j);
        return;
      case 'allocated':
        return this.granted(j, String(b.allocation_id), b);
      case 'error':
        // An allocate refused, a renew for a lease already gone, a cancel too late (a grant is on its way).
        if (b.in_reply_to === 1 && j.state !== 'running' && j.state !== 'ended') return this.end(j, 'refused', `code ${String(b.code)}: ${String(b.text)}`);
        if (j.state === 'running' && j.stopped === undefined && b.code === 20) return this.stop(j, 'lease expired');
        return this.settle();
      case 'cancelled':
        return this.end(j, 'cancelled', 'interrupted');
      case 'released':
        return this.settle();
      case 'lease_expired':
        j.held = false;
        return this.stop(j, 'lease expired');
      case 'preempt_notice':
        return this.stop(j, 'preempted');
      case 'preempted':
        j.held = false;
        return this.stop(j, 'preempted');
      default:
        return;
    }
  }

  private granted(j: Job, allocationId: string, body: Message['body']): void {
    if (j.state === 'running' || j.state === 'ended') return;
    j.allocationId = allocationId;
    j.held = true;
    if (this.interrupted !== undefined || this.lost !== undefined) {
      // Granted after we stopped launching: handed straight back.
      j.state = 'running';
      this.finish(j, 'cancelled', 'interrupted');
      return;
    }
    j.state = 'running';
    const members = (body.members ?? {}) as Record<string, string[]>;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.o.env,
      RESOURCE_RUN_JOB: j.spec.name,
      RESOURCE_RUN_ALLOCATION_ID: allocationId,
      RESOURCE_RUN_RESOURCES: j.spec.requirements.map((r) => `${r.type}=${r.amount}`).join(','),
    };
    for (const [type, names] of Object.entries(members)) env[`RESOURCE_RUN_MEMBERS_${envName(type)}`] = names.join(',');
    const p = new JobProcess(j.spec.command, env, this.o.graceMs, {
      line: (text, stream) => this.o.onOutput?.(j.spec.name, text, stream),
      ended: (exit) => this.exited(j, exit),
    });
    j.process = p;
    j.started = this.record({ job: j.spec.name, kind: 'starts', pid: p.pid, ...(Object.keys(members).length === 0 ? {} : { members }) });
    if (j.spec.timeoutMs !== undefined) j.timers.push(setTimeout(() => this.stop(j, `timeout ${j.spec.timeoutMs} ms`), j.spec.timeoutMs));
    if (j.spec.leaseMs !== undefined) {
      const every = Math.max(1, Math.floor(j.spec.leaseMs / 3));
      j.timers.push(setInterval(() => this.send(j, { type: 'renew', allocation_id: allocationId, lease_ms: j.spec.leaseMs }), every));
    }
  }

  private stop(j: Job, why: string): void {
    if (j.state !== 'running' || j.stopped !== undefined || j.process === undefined) return;
    j.stopped = why;
    this.record({ job: j.spec.name, kind: 'stops', reason: why });
    j.process.stop();
  }

  private exited(j: Job, exit: Exit): void {
    const status: JobStatus = exit.signal !== undefined || j.stopped !== undefined ? 'killed' : exit.code === 0 ? 'completed' : 'failed';
    this.finish(j, status, exit.signal ?? `exit code ${exit.code}`);
  }

  /** The process is gone: the allocation goes back with the job's status. */
  private finish(j: Job, status: JobStatus, detail: string): void {
    for (const t of j.timers) clearTimeout(t);
    j.timers = [];
    if (j.held) {
      j.held = false;
      this.send(j, { type: 'release', allocation_id: j.allocationId, job_status: status }, true);
    }
    this.end(j, status, detail);
  }

  private cancel(j: Job): void {
    this.send(j, { type: 'cancel', request_msg_id: 1 }, true);
  }

  private end(j: Job, status: JobStatus, detail: string): void {
    if (j.state === 'ended') return this.settle();
    j.state = 'ended';
    j.status = status;
    j.detail = detail;
    j.ended = this.record({ job: j.spec.name, kind: 'ends', status, detail });
    this.settle();
  }

  /** The node is gone: nothing can be released; every process is stopped. */
  private nodeLost(reason: string): void {
    if (this.lost !== undefined || this.closing) return;
    this.lost = reason;
    for (const j of this.jobs) {
      j.owed.clear();
      j.held = false;
      if (j.state === 'running') this.stop(j, 'node lost');
      else if (j.state !== 'ended') this.end(j, 'cancelled', 'node lost');
    }
    this.settle();
  }

  /** Once every job has ended and the node has answered what we owe, the link is closed. */
  private settle(): void {
    if (this.closing || this.link === undefined) return;
    if (this.jobs.some((j) => j.state !== 'ended' || j.owed.size > 0)) return;
    this.closing = true;
    const results = this.jobs.map((j) => ({
      job: j.spec,
      status: j.status!,
      detail: j.detail,
      stopped: j.stopped,
      waitedMs: j.waitedFrom < 0 ? 0 : (j.started >= 0 ? j.started : j.ended) - j.waitedFrom,
      ranMs: j.started < 0 ? 0 : j.ended - j.started,
    }));
    const record: RunRecord = { jobs: this.jobs.map((j) => j.spec.name), events: this.events };
    const done = (): void => this.finished({ record, results, interrupted: this.interrupted, lost: this.lost });
    if (this.lost !== undefined) {
      this.link.kill();
      return done();
    }
    this.link.close().then(done, (e: Error) => {
      this.lost = e.message;
      done();
    });
  }
}

/** `Insufficient resources (robot: 1 needed, 0 free)`: the node's reason and the type that does not fit. */
function waitReason(spec: JobSpec, body: Message['body']): string {
  const reason = String(body.reason);
  const available = (body.available ?? {}) as Record<string, number>;
  const short = spec.requirements.find((r) => (available[r.type] ?? 0) < r.amount);
  return short === undefined ? reason : `${reason} (${short.type}: ${short.amount} needed, ${available[short.type] ?? 0} free)`;
}

/** `robot` -> `ROBOT`, `gpu.a100` -> `GPU_A100`: a resource type as part of a variable name. */
export function envName(type: string): string {
  return type.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
