import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, envelope, start } from './spawn.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Enough status requests that their replies (about 300 bytes each) overfill every pipe buffer. */
const MANY_STATUS = `${Array.from({ length: 5000 }, (_, i) => envelope('c1', { type: 'status', msg_id: i + 1 })).join('\n')}\n`;

/**
 * Resolves once the node's first replies reach our unread stdout: it has then answered a
 * whole input chunk, hundreds of replies, more than the pipe takes, so it owes some.
 */
async function repliesBackingUp(child: ReturnType<typeof start>): Promise<void> {
  await once(child.stdout, 'readable');
}

/** Collects stderr and waits for the exit. */
async function exitOf(child: ReturnType<typeof start>): Promise<{ code: number | null; stderr: string; ms: number }> {
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const t0 = Date.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, ms: Date.now() - t0 };
}

describe('stopping while stdout is not read', () => {
  it('a stop waits out the grace, then exits 1 saying how many replies were not delivered', async () => {
    const child = start(['--deterministic', '--shutdown-grace-ms', '300']);
    child.stdout.pause();
    child.stdin.write(MANY_STATUS);
    await repliesBackingUp(child);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    const r = await exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^resource-node: stopped with [1-9][0-9]* replies not delivered: stdout was not read\n$/);
  });

  it('a second signal exits at once', async () => {
    const child = start(['--deterministic', '--shutdown-grace-ms', '60000']);
    child.stdout.pause();
    child.stdin.write(MANY_STATUS);
    await repliesBackingUp(child);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    await sleep(200);
    child.kill('SIGINT');
    const r = await exited;
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/replies not delivered/);
  });
});

describe('an output that fails', () => {
  it.runIf(existsSync('/dev/full'))('stdout on a full disk: one stderr line, exit 1, no stack trace', async () => {
    // Stdout opened on /dev/full by the shell, the way a user's redirection does.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" > /dev/full`], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    sh.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    sh.stdin.end(`${envelope('c1', { type: 'status', msg_id: 1 })}\n`);
    const [code] = (await once(sh, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toBe('resource-node: cannot write to stdout (ENOSPC); 1 reply not delivered\n');
  });

  it('a stderr that fails loses the logs, not the node', async () => {
    const child = spawn(process.execPath, [BIN, '--deterministic'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Nobody reads stderr: the node's first log line meets a closed pipe.
    child.stderr.destroy();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const lines = ['not json', ...Array.from({ length: 200 }, (_, i) => envelope('c1', { type: 'status', msg_id: i + 1 })), 'junk again'];
    child.stdin.end(`${lines.join('\n')}\n`);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((l) => l !== '')).toHaveLength(200);
  });

  it('a bad flag is reported with its control characters escaped', async () => {
    const child = spawn(process.execPath, [BIN, '--pool', '\u001b]0;pwned\u0007=a,a'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('\\x1b]0;pwned\\x07');
    expect(stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
