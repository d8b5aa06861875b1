import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv } from '../support/etcd.js';
import { BIN } from './spawn.js';

/** One node of a test cluster: its process, the port it bound, and what it logged. */
export interface ClusterProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly address: string;
  stderr(): string;
  /** Resolves once its stderr matches `re` (checked against everything so far), or rejects after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** Sends `signal` and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly alive: boolean;
}

/** Starts a node with --listen on a free loopback port in cluster mode, in an environment without proxies. */
export async function clusterNode(endpoints: string, args: string[] = []): Promise<ClusterProcess> {
  const child = spawn(process.execPath, [BIN, '--listen', '127.0.0.1:0', '--etcd', endpoints, ...args], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});
  let log = '';
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    alive = false;
    resolve();
  }));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stdout.resume();
  const waitFor = (re: RegExp, ms = 10_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const until = Date.now() + ms;
      const look = (): void => {
        if (re.test(log)) return resolve();
        if (!alive) return reject(new Error(`exited before ${re}:\n${log}`));
        if (Date.now() > until) return reject(new Error(`not ${re} after ${ms} ms:\n${log}`));
        setTimeout(look, 20);
      };
      look();
    });
  await waitFor(/listening on 127\.0\.0\.1:\d+/);
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(log)![1]);
  return {
    child,
    port,
    address: `127.0.0.1:${port}`,
    stderr: () => log,
    waitFor,
    get alive() {
      return alive;
    },
    kill: async (signal = 'SIGKILL') => {
      if (alive) child.kill(signal);
      await exited;
    },
  };
}

/** The node that says it leads, waiting up to `ms` for one (among those alive). */
export async function leaderOf(nodes: readonly ClusterProcess[], ms = 10_000): Promise<ClusterProcess> {
  const until = Date.now() + ms;
  for (;;) {
    const leading = nodes.filter((n) => n.alive && /leading cluster/.test(n.stderr()));
    if (leading.length > 0) return leading[0]!;
    if (Date.now() > until) throw new Error(`no leader after ${ms} ms:\n${nodes.map((n) => n.stderr()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
