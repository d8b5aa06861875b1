// Small shared pieces of the benchmark: medians, child processes, paths.
import { spawn } from 'node:child_process';

export const ROOT = new URL('../', import.meta.url).pathname;
export const BIN = `${ROOT}bin/resource-node`;

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `node [nodeArgs] script args`, which prints one JSON value on its last stdout line,
 * and returns that value. In-process figures run this way so each starts on a fresh heap.
 */
export function runChild(script, args = [], nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code}`));
      const lines = out.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1]));
    });
  });
}

/** True when this module is the program node was asked to run. */
export function isMain(meta) {
  return meta.url === `file://${process.argv[1]}`;
}
