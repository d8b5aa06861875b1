import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every fenced example in docs/*.md is run here and must match its real output. An HTML
 * comment just above a block says how to run it:
 *
 *   <!-- example: resource-node FLAGS -->   protocol lines: sent to a fresh bin/resource-node FLAGS
 *   <!-- example: continues -->             the same, continuing the previous example's node
 *   <!-- example: listening resource-node FLAGS -->  protocol lines over one TCP connection to a
 *                                           fresh bin/resource-node --listen 127.0.0.1:0 FLAGS; in
 *                                           FLAGS, token.txt is a file holding the secret s3cret
 *   <!-- example: console -->               `$ command` lines, each followed by its output
 *   <!-- example: console, times vary -->   the same, but any "N ms" matches any number
 *   <!-- example: harness case -->          a case file that bin/golden must pass
 *
 * In a protocol block a line after `>` is sent and a line after `<` or `->` is written by
 * the node; an unmarked line is written by the node when its type is a reply type. A sent
 * line may leave out `dest` (n1), or be a bare body (from c1 to n1); a written line may
 * leave out `src`, or be a bare body, and is compared in the same shape. In written
 * lines and console output, `...` stands for any text.
 */

const root = new URL('../../', import.meta.url).pathname;
const docs = join(root, 'docs');
const work = mkdtempSync(join(tmpdir(), 'doc-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const REPLY_TYPES = new Set(readdirSync(join(root, 'schemas/replies')).map((f) => f.replace(/\.json$/, '')));

interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly marker: string | undefined;
  readonly text: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(docs, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    const marker = /^<!-- example: (.*) -->$/.exec(lines[i - 1] ?? '')?.[1];
    out.push({ file, line: i + 1, marker, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

/** A pattern line: `...` is any text, and with `times`, any "N ms" any number of ms. */
function pattern(text: string, times = false): RegExp {
  let source = text
    .split('...')
    .map((p) => p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))
    .join('.*');
  if (times) source = source.replace(/\s*\d+ ms/g, '\\s*\\d+ ms');
  return new RegExp(`^${source}$`);
}

/**
 * Compares output lines with pattern lines. A line that matches is shown as the actual
 * line, so that a failure's diff shows only the lines that differ.
 */
function expectLines(actual: readonly string[], expected: readonly string[], where: string, times = false): void {
  const shown = expected.map((e, i) => (actual[i] !== undefined && pattern(e, times).test(actual[i]!) ? actual[i]! : e));
  expect(actual, where).toEqual(shown);
}

interface Exchange {
  readonly send: string[];
  readonly expect: string[];
}

function exchange(text: string): Exchange {
  const x: Exchange = { send: [], expect: [] };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const prefix = /^(>|<|->) /.exec(raw)?.[1];
    const line = prefix === undefined ? raw : raw.slice(prefix.length + 1);
    const type = /"type":"([a-z_]+)"/.exec(line)?.[1] ?? '';
    const written = prefix === undefined ? REPLY_TYPES.has(type) : prefix !== '>';
    if (written) {
      x.expect.push(line);
      continue;
    }
    const v = JSON.parse(line) as Record<string, unknown>;
    const envelope = Object.hasOwn(v, 'body') ? { src: v.src, dest: v.dest ?? 'n1', body: v.body } : { src: 'c1', dest: 'n1', body: v };
    x.send.push(JSON.stringify(envelope));
  }
  return x;
}

/** A written line in the shape its pattern uses: whole, without `src`, or the body alone. */
function shaped(line: string, like: string): string {
  const m = JSON.parse(line) as { src: string; dest: string; body: unknown };
  if (like.startsWith('{"type"')) return JSON.stringify(m.body);
  if (like.startsWith('{"dest"')) return JSON.stringify({ dest: m.dest, body: m.body });
  return line;
}

function runNode(flags: string, input: readonly string[]): string[] {
  const args = flags.split(/\s+/).filter((w) => w !== '');
  const r = spawnSync(process.execPath, [join(root, 'bin/resource-node'), ...args], { input: input.map((l) => `${l}\n`).join(''), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Runs `$ command` lines (a trailing `\` continues one) and checks what each prints. */
function runConsole(b: Block, times: boolean): void {
  const lines = b.text.split('\n');
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.startsWith('$ ')) throw new Error(`${b.file}:${b.line + 1 + i}: expected a "$ command" line`);
    const command: string[] = [lines[i]!.slice(2)];
    while (lines[i]!.endsWith('\\')) command.push(lines[++i]!);
    const expected: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('$ '); i++) expected.push(lines[i]!);
    while (expected.at(-1) === '') expected.pop();
    const r = spawnSync('sh', ['-c', command.join('\n')], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    const actual = r.stdout.split('\n');
    while (actual.at(-1) === '') actual.pop();
    expectLines(actual, expected, `${b.file}:${b.line}: ${command.join(' ')}`, times);
  }
}

/** Sends `input` over one connection to a listening node; returns what it writes back, once `want` lines came or it closed. */
async function runListening(flags: string, input: readonly string[], want: number): Promise<string[]> {
  writeFileSync(join(work, 'token.txt'), 's3cret\n');
  const args = flags.split(/\s+/).filter((w) => w !== '');
  const child = spawn(process.execPath, [join(root, 'bin/resource-node'), '--listen', '127.0.0.1:0', ...args], { cwd: work, stdio: ['pipe', 'ignore', 'pipe'] });
  try {
    let stderr = '';
    child.stderr.setEncoding('utf8');
    let port = 0;
    for (const deadline = Date.now() + 5000; port === 0 && Date.now() < deadline; ) {
      stderr += String((await once(child.stderr, 'data'))[0]);
      port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1] ?? 0);
    }
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('close', () => (closed = true));
    socket.write(input.map((l) => `${l}\n`).join(''));
    // Then a moment more: a line the example does not show would come within it.
    for (const deadline = Date.now() + 5000; !closed && text.split('\n').length <= want && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    return text.split('\n').filter((l) => l !== '');
  } finally {
    child.kill('SIGKILL');
  }
}

const files = readdirSync(docs).filter((f) => f.endsWith('.md')).sort();

describe.each(files)('docs/%s', (file) => {
  const all = blocks(file);

  it('marks every fenced example with how it is run', () => {
    expect(all.filter((b) => b.marker === undefined).map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  // Protocol examples that continue one another run as one session of one node.
  const sessions: { flags: string; blocks: Block[] }[] = [];
  for (const b of all) {
    if (b.marker === 'continues') sessions.at(-1)!.blocks.push(b);
    else if (b.marker?.startsWith('resource-node')) sessions.push({ flags: b.marker.slice('resource-node'.length), blocks: [b] });
  }
  it.each(sessions.map((s) => [`line ${s.blocks[0]!.line}`, s] as const))('protocol example at %s gives the output shown', (_, s) => {
    const xs = s.blocks.map((b) => exchange(b.text));
    const out = runNode(s.flags, xs.flatMap((x) => x.send));
    let at = 0;
    s.blocks.forEach((b, k) => {
      const expected = xs[k]!.expect;
      const actual = out.slice(at, at + expected.length).map((l, i) => shaped(l, expected[i]!));
      expectLines(actual, expected, `${b.file}:${b.line}`);
      at += expected.length;
    });
    expect(out.slice(at), 'lines the examples do not show').toEqual([]);
  });

  const listeners = all.filter((b) => b.marker?.startsWith('listening resource-node'));
  it.each(listeners.map((b) => [`line ${b.line}`, b] as const))('example over TCP at %s gives the output shown', async (_, b) => {
    const x = exchange(b.text);
    const out = await runListening(b.marker!.slice('listening resource-node'.length), x.send, x.expect.length);
    expectLines(
      out.map((l, i) => (x.expect[i] === undefined ? l : shaped(l, x.expect[i]!))),
      x.expect,
      `${b.file}:${b.line}`,
    );
  });

  const consoles = all.filter((b) => b.marker?.startsWith('console'));
  it.each(consoles.map((b) => [`line ${b.line}`, b] as const))('console example at %s prints what it shows', (_, b) => {
    runConsole(b, b.marker!.includes('times vary'));
  });

  const cases = all.filter((b) => b.marker === 'harness case');
  it.each(cases.map((b) => [`line ${b.line}`, b] as const))('harness case at %s passes against resource-node', (_, b) => {
    const path = join(work, `${file}-${b.line}.json`);
    writeFileSync(path, b.text);
    const r = spawnSync(process.execPath, [join(root, 'bin/golden'), path], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^PASS .*\n1 passed, 0 failed\n$/);
  });

  it('uses only known markers', () => {
    const known = /^((listening )?resource-node( .*)?|continues|console(, times vary)?|harness case)$/;
    expect(all.filter((b) => b.marker !== undefined && !known.test(b.marker)).map((b) => `${b.file}:${b.line}: ${b.marker}`)).toEqual([]);
  });
});
