// Figure 8a: the protocol over TCP, many connections at once, against figure 1's stdio.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { BIN, median } from '../lib.mjs';
import { pipeThrough } from './stdio.mjs';

const SHAPES = [
  [{ type: 'cpu', amount: 1 }],
  [{ type: 'cpu', amount: 2 }, { type: 'memory', amount: 4 }],
  [{ type: 'memory', amount: 2 }, { type: 'cpu', amount: 1 }],
  [{ type: 'cpu', amount: 1 }, { type: 'memory', amount: 1 }, { type: 'gpu', amount: 0.5 }],
  [{ type: 'memory', amount: 3.5 }],
];

/** Starts a listening node and resolves its process and port once it says where it listens. */
function startListening(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--listen', '127.0.0.1:0', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

/**
 * One client on its own connection, a closed loop: `window` allocates in flight; each
 * `allocated` is answered with its release, each `released` with the next allocate, until
 * it has had `messages` replies. Replies are found by a literal, not parsed whole.
 */
export function drive(port, src, messages, window) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let sent = 0;
    let replies = 0;
    let rest = '';
    let shape = 0;
    const allocate = () => `{"src":"${src}","dest":"n1","body":{"type":"allocate","msg_id":${++sent},"requirements":${JSON.stringify(SHAPES[shape++ % SHAPES.length])}}}\n`;
    socket.on('connect', () => {
      let out = '';
      for (let i = 0; i < window; i++) out += allocate();
      socket.write(out);
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      let out = '';
      for (const line of lines) {
        replies++;
        const at = line.indexOf('"allocation_id":"');
        if (line.includes('"type":"allocated"')) {
          const id = line.slice(at + 17, line.indexOf('"', at + 17));
          out += `{"src":"${src}","dest":"n1","body":{"type":"release","msg_id":${++sent},"allocation_id":"${id}","job_status":"completed"}}\n`;
        } else if (sent < messages) {
          out += allocate();
        }
      }
      if (out !== '') socket.write(out);
      if (replies >= messages) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
  });
}

/** Messages per second through `connections` connections, from spawn to the last reply, as figure 1 times stdio from spawn to exit. */
async function overTcp(messages, connections, window) {
  const t0 = performance.now();
  const { child, port } = await startListening(['--deterministic', '--capacity', 'cpu=100000,memory=100000,gpu=100000']);
  const per = Math.floor(messages / connections);
  const replies = await Promise.all(Array.from({ length: connections }, (_, i) => drive(port, `c${i}`, per, window)));
  const ms = performance.now() - t0;
  child.removeAllListeners('exit');
  child.kill('SIGKILL');
  return replies.reduce((a, b) => a + b, 0) / (ms / 1000);
}

/** Figure 8a: TCP with `connections` connections against stdio (figure 1's churn, piped), taking turns. */
export async function tcpThroughput(file, messages, { connections = 8, window = 4, runs = 7 } = {}) {
  const tcp = [];
  const stdio = [];
  for (let r = 0; r < runs; r++) {
    const pipe = async () => {
      const p = await pipeThrough(file, [BIN, '--deterministic']);
      if (p.replies !== messages) throw new Error(`stdio replies ${p.replies}, want ${messages}`);
      stdio.push(p.replies / (p.ms / 1000));
    };
    if (r % 2 === 0) {
      tcp.push(await overTcp(messages, connections, window));
      await pipe();
    } else {
      await pipe();
      tcp.push(await overTcp(messages, connections, window));
    }
  }
  return { tcp: median(tcp), stdio: median(stdio), runs: { tcp, stdio } };
}
