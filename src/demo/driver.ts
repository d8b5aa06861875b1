import { NodeClient, type Message } from './client.js';
import { jobNames, robotNames, type DemoEvent, type DemoRun } from './timeline.js';

const NODE_ID = 'n1';

export interface DriverOptions {
  readonly jobs: number;
  readonly robots: number;
  /** How long each job keeps its robot, in ms. */
  readonly jobMs: number;
  /** The command that starts the node; `--pool robot=r1,...` is added to it. */
  readonly node: readonly string[];
  /** Hears every event as it happens. */
  readonly onEvent?: (e: DemoEvent) => void;
  /** Hears the clock reading the jobs are submitted at: every event's `at` counts from it. */
  readonly onStart?: (start: number) => void;
  /** Milliseconds now (default `performance.now`). */
  readonly clock?: () => number;
}

/**
 * The warehouse flow: start a node with a robot pool, submit every job at once (each job
 * is its own client asking for one robot), let each job hold its robot for `jobMs`, then
 * check it back in. Resolves when every job has checked its robot in and the node exited.
 */
export function runDemo(o: DriverOptions): Promise<DemoRun> {
  const clock = o.clock ?? (() => performance.now());
  const jobs = jobNames(o.jobs);
  const robots = robotNames(o.robots);
  const events: DemoEvent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  /** The robot each job holds, so that its check-in can name it. */
  const held = new Map<string, string>();
  let start = 0;
  let checkedIn = 0;

  return new Promise<DemoRun>((resolve, reject) => {
    let over = false;
    const fail = (reason: string): void => {
      if (over) return;
      over = true;
      for (const t of timers) clearTimeout(t);
      client.kill();
      reject(new Error(reason));
    };
    const record = (job: string, kind: DemoEvent['kind'], robot?: string): void => {
      const at = clock() - start;
      const e: DemoEvent = robot === undefined ? { at, job, kind } : { at, job, kind, robot };
      events.push(e);
      o.onEvent?.(e);
    };
    const submitAll = (): void => {
      start = clock();
      o.onStart?.(start);
      client.send(jobs.map((job) => ({ src: job, body: { type: 'allocate', msg_id: 1, requirements: [{ type: 'robot', amount: 1 }] } })));
    };
    const checkOut = (job: string, allocationId: unknown, robot: string): void => {
      held.set(job, robot);
      record(job, 'checks_out', robot);
      const timer = setTimeout(() => {
        timers.delete(timer);
        client.send([{ src: job, body: { type: 'release', msg_id: 2, allocation_id: allocationId, job_status: 'completed' } }]);
      }, o.jobMs);
      timers.add(timer);
    };
    const checkIn = (job: string): void => {
      record(job, 'checks_in', held.get(job));
      held.delete(job);
      if (++checkedIn < jobs.length) return;
      over = true;
      void client.close().then((code) => (code === 0 ? resolve({ jobs, robots, jobMs: o.jobMs, events }) : reject(new Error(`the node exited with code ${code}: ${client.log}`))));
    };

    const onMessage = (m: Message): void => {
      const body = m.body;
      switch (body.type) {
        case 'init_ok':
          return submitAll();
        case 'queued':
          return record(m.dest, 'waits');
        case 'allocated': {
          const robot = (body.members as { robot?: string[] } | undefined)?.robot?.[0];
          if (robot === undefined) return fail(`allocated without a robot member: ${JSON.stringify(body)}`);
          return checkOut(m.dest, body.allocation_id, robot);
        }
        case 'released':
          return checkIn(m.dest);
        default:
          return fail(`unexpected reply from the node: ${JSON.stringify(m)}`);
      }
    };

    const client = new NodeClient([...o.node, '--pool', `robot=${robots.join(',')}`], NODE_ID, { message: onMessage, failed: fail });
    client.send([{ src: 'demo', body: { type: 'init', msg_id: 1, node_id: NODE_ID, node_ids: [NODE_ID] } }]);
  });
}
