// Real etcd members for tests: single members and 3-member clusters on free loopback ports, each
// in a temporary directory. The traps handled here: a port taken between choosing and binding (the
// start is retried on fresh ports), ETCD_* variables of the caller's environment (etcd reads them
// as flags), proxy variables (a gRPC client follows them even to 127.0.0.1), and a data directory
// removed only once its member has exited.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemPackage } from './system-package.js';

export const ETCD = systemPackage('etcd-server', ['/usr/bin/etcd', '/usr/local/bin/etcd']);

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** Running now (not killed or stopped). */
  readonly running: boolean;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and data directory (after a kill). */
  restart(): Promise<void>;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** The client URLs, joined by commas: what `--etcd` takes. */
  readonly endpoints: string;
  /** Stops every member, waits for each to exit, removes their directories. */
  stop(): Promise<void>;
}

/** The environment for a process that talks to etcd on loopback: no proxy, no ETCD_* settings. */
export function cleanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^ETCD_/i.test(k) || /^(https?|grpc|all|no)_proxy$/i.test(k) || /^no_grpc_proxy$/i.test(k)) continue;
    out[k] = v;
  }
  out.NO_PROXY = out.no_proxy = '127.0.0.1,localhost';
  return out;
}

/** Ports nothing listens on now (each bound to port 0 and released); a race is possible, so callers retry. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const START_MS = 15_000;

class Member implements EtcdMember {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** stderr kept for an error message when it fails to start. */
  log = '';

  constructor(
    readonly name: string,
    readonly clientUrl: string,
    readonly peerUrl: string,
    readonly dataDir: string,
    private readonly initialCluster: string,
    private readonly token: string,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    const args = [
      '--name', this.name,
      '--data-dir', this.dataDir,
      '--listen-client-urls', this.clientUrl,
      '--advertise-client-urls', this.clientUrl,
      '--listen-peer-urls', this.peerUrl,
      '--initial-advertise-peer-urls', this.peerUrl,
      '--initial-cluster', this.initialCluster,
      '--initial-cluster-token', this.token,
      '--initial-cluster-state', 'new',
      // Tests want a lost leader found quickly: 50 ms heartbeats, 500 ms elections.
      '--heartbeat-interval', '50',
      '--election-timeout', '500',
      '--log-level', 'error',
    ];
    const proc = spawn(ETCD.path!, args, { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    this.log = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (this.log.length < 20_000) this.log += d;
    });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.proc === proc) this.proc = undefined;
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    proc.kill(signal);
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    this.start();
    await healthy([this], START_MS);
  }
}

/** Resolves once every member answers /health with true; rejects with their logs after `ms`. */
async function healthy(members: readonly Member[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (const m of members) {
    for (;;) {
      if (!m.running) throw new Error(`etcd member ${m.name} exited while starting:\n${m.log}`);
      try {
        const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') break;
      } catch {
        // Not listening yet, or no leader yet.
      }
      if (Date.now() > until) throw new Error(`etcd member ${m.name} not healthy after ${ms} ms:\n${m.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts `size` members as one cluster (1 or 3, say) and waits until each is healthy. */
export async function startEtcd(size = 1): Promise<EtcdCluster> {
  if (ETCD.path === undefined) throw new Error(ETCD.missing);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = await mkdtemp(join(tmpdir(), 'etcd-test-'));
    const ports = await freePorts(2 * size);
    const members: Member[] = [];
    const names = Array.from({ length: size }, (_, i) => `m${i}`);
    const initial = names.map((n, i) => `${n}=http://127.0.0.1:${ports[2 * i + 1]}`).join(',');
    for (const [i, n] of names.entries()) {
      members.push(new Member(n, `http://127.0.0.1:${ports[2 * i]}`, `http://127.0.0.1:${ports[2 * i + 1]}`, join(root, n), initial, `t-${process.pid}-${attempt}`));
    }
    const stop = async () => {
      await Promise.all(members.map((m) => m.kill('SIGKILL')));
      await rm(root, { recursive: true, force: true });
    };
    for (const m of members) m.start();
    try {
      await healthy(members, START_MS);
      return { members, endpoints: members.map((m) => m.clientUrl).join(','), stop };
    } catch (e) {
      lastError = e;
      await stop();
      // A port taken by someone else between choosing and binding: try again on new ones.
      if (!members.some((m) => /address already in use/.test(m.log))) break;
    }
  }
  throw lastError;
}

