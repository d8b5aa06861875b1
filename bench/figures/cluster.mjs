// Figure 10: a 3-node cluster on one local etcd member. 10a: churn through connections to every
// node (batched commits) beside one node alone over TCP; 10b: how long a client of a follower
// waits for an answer once the leader is killed -9. `node bench/figures/cluster.mjs` runs it alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, isMain, median } from '../lib.mjs';
import { drive } from './tcp.mjs';

export const ETCD_BIN = ['/usr/bin/etcd', '/usr/local/bin/etcd'].find((p) => existsSync(p));
const CAPACITY = 'cpu=100000,memory=100000,gpu=100000';

/** The environment without proxies (gRPC follows them even to 127.0.0.1) or ETCD_* settings. */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^ETCD_|^(https?|grpc|all|no)_proxy$/i.test(k)) env[k] = v;
  return { ...env, NO_PROXY: '127.0.0.1,localhost' };
}

async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function startEtcd() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-etcd-'));
  const [client, peer] = await freePorts(2);
  const url = `http://127.0.0.1:${client}`;
  const child = spawn(ETCD_BIN, ['--name', 'b0', '--data-dir', join(dir, 'b0'), '--listen-client-urls', url, '--advertise-client-urls', url, '--listen-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `b0=http://127.0.0.1:${peer}`, '--log-level', 'error'], { env: cleanEnv(), stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
      if ((await res.json()).health === 'true') break;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, stop: async () => {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  } };
}

function startNode(args) {
  const child = spawn(process.execPath, [BIN, '--listen', '127.0.0.1:0', ...args], { env: cleanEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (log += d));
  const exited = new Promise((r) => child.once('exit', r));
  const waitFor = (re, ms = 20_000) => new Promise((resolve, reject) => {
    const until = Date.now() + ms;
    const look = () => (re.test(log) ? resolve() : Date.now() > until ? reject(new Error(`not ${re}: ${log}`)) : setTimeout(look, 10));
    look();
  });
  return waitFor(/listening on 127\.0\.0\.1:\d+/).then(() => ({
    child,
    port: Number(/listening on 127\.0\.0\.1:(\d+)/.exec(log)[1]),
    log: () => log,
    waitFor,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  }));
}

async function startCluster(etcd, name) {
  const nodes = await Promise.all([0, 1, 2].map(() => startNode(['--etcd', etcd.url, '--cluster', name, '--capacity', CAPACITY])));
  try {
    await Promise.race(nodes.map((n) => n.waitFor(/leading cluster/)));
    const leader = nodes.find((n) => /leading cluster/.test(n.log()));
    await Promise.all(nodes.filter((n) => n !== leader).map((n) => n.waitFor(/following the leader/)));
    return { nodes, leader };
  } catch (e) {
    // A cluster that did not form leaves no process behind.
    await Promise.all(nodes.map((n) => n.kill()));
    throw new Error(`${e.message}\n${nodes.map((n) => n.log()).join('\n--\n')}`);
  }
}

/** Messages per second through `perNode` connections to each node, from the first send to the last reply. */
async function churn(ports, perNode, messages, window) {
  const connections = ports.flatMap((p) => Array.from({ length: perNode }, () => p));
  const per = Math.floor(messages / connections.length);
  const t0 = performance.now();
  const replies = await Promise.all(connections.map((port, i) => drive(port, `c${i}`, per, window)));
  return replies.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
}

/** Milliseconds from the leader's kill -9 to the first answer a follower's client gets to a status sent after it. */
async function failover(cluster) {
  const follower = cluster.nodes.find((n) => n !== cluster.leader);
  const socket = connect(follower.port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  socket.setEncoding('utf8');
  let text = '';
  let msgId = 0;
  let firstAfterKill = Infinity;
  const answered = new Promise((resolve) => socket.on('data', (d) => {
    text += d;
    for (const m of text.matchAll(/"type":"status_ok","in_reply_to":(\d+)/g)) if (Number(m[1]) >= firstAfterKill) resolve(performance.now());
  }));
  const ask = () => socket.write(`{"src":"probe","dest":"n1","body":{"type":"status","msg_id":${++msgId}}}\n`);
  const t0 = performance.now();
  await cluster.leader.kill();
  firstAfterKill = msgId + 1;
  const timer = setInterval(ask, 20);
  ask();
  const at = await Promise.race([answered, new Promise((r) => setTimeout(() => r(Infinity), 20_000))]);
  clearInterval(timer);
  socket.destroy();
  return at - t0;
}

/** Figure 10: cluster churn beside one node over TCP (taking turns), then failover times. */
export async function clusterFigures({ messages = 60_000, perNode = 3, window = 32, runs = 3, failovers = 3 } = {}) {
  const etcd = await startEtcd();
  try {
    const ours = [];
    const single = [];
    for (let r = 0; r < runs; r++) {
      const c = await startCluster(etcd, `bench-churn-${r}`);
      try {
        ours.push(await churn(c.nodes.map((n) => n.port), perNode, messages, window));
      } finally {
        await Promise.all(c.nodes.map((n) => n.kill()));
      }
      const one = await startNode(['--capacity', CAPACITY]);
      try {
        single.push(await churn([one.port, one.port, one.port], perNode, messages, window));
      } finally {
        await one.kill();
      }
    }
    const times = [];
    for (let f = 0; f < failovers; f++) {
      const c = await startCluster(etcd, `bench-failover-${f}`);
      try {
        times.push(await failover(c));
      } finally {
        await Promise.all(c.nodes.map((n) => n.kill()));
      }
    }
    return { cluster: median(ours), single: median(single), failoverMs: median(times), runs: { cluster: ours, single, failoverMs: times } };
  } finally {
    await etcd.stop();
  }
}

if (isMain(import.meta)) {
  if (ETCD_BIN === undefined) throw new Error('etcd is not installed (apt-get install -y etcd-server)');
  process.stdout.write(`${JSON.stringify(await clusterFigures())}\n`);
}
