import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCase } from '../../src/golden/case.js';
import { discover } from '../../src/golden/discover.js';
import { runHarnessCase } from '../../src/golden/harness.js';
import { label } from '../../src/golden/suite.js';
import { RULES, SURPRISING_RULES } from '../../src/golden/rules.js';
import { filteredNode, golden, noDrainNode, ourNode, root } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'golden-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs bin/golden from a scratch directory, so nothing depends on the caller's cwd. */
function run(...args: string[]): { out: string; lines: string[]; status: number | null } {
  const r = spawnSync(process.execPath, [golden, ...args], { cwd: work, encoding: 'utf8' });
  return { out: r.stdout, lines: r.stdout.trimEnd().split('\n'), status: r.status };
}

function scratch(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeCase(name: string, value: unknown): string {
  const file = join(scratch('cases'), `${name}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Calls `each` on every item, `width` at a time: a slot takes the next item as soon as it is free. */
async function inPool<T>(items: readonly T[], width: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const slot = async (): Promise<void> => {
    while (next < items.length) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, slot));
}

const allocateGpu = (msgId: number, src = 'c1') => ({ src, dest: 'n1', body: { type: 'allocate', msg_id: msgId, requirements: [{ type: 'gpu', amount: 1 }] } });
const grantedGpu = (inReplyTo: number) => ({ type: 'allocated', in_reply_to: inReplyTo, allocation_id: '.*', resources: { gpu: 1 } });

describe('transcripts through bin/golden', () => {
  const source = `${root}fixtures/golden/drain-to-other-clients`;

  it('fail when the expected file is missing, and --update creates it', () => {
    const dir = scratch('t-missing');
    cpSync(`${source}/input.jsonl`, `${dir}/input.jsonl`);
    let r = run(dir);
    expect(r.out).toMatch(/^FAIL \S+\/t-missing\n {4}no expected\.jsonl: run with --update/);
    expect(r.lines.at(-1)).toBe('0 passed, 1 failed');
    expect(r.status).toBe(1);
    r = run('--update', dir);
    expect(r.lines).toEqual([expect.stringMatching(/^UPDATED \S+\/t-missing$/), '1 passed, 0 failed']);
    expect(readFileSync(`${dir}/expected.jsonl`, 'utf8')).toBe(readFileSync(`${source}/expected.jsonl`, 'utf8'));
    r = run(dir);
    expect(r.lines).toEqual([expect.stringMatching(/^PASS /), '1 passed, 0 failed']);
    expect(r.status).toBe(0);
  });

  it('show a diff when the output differs, and --update rewrites only on purpose', () => {
    const dir = scratch('t-differs');
    cpSync(source, dir, { recursive: true });
    const good = readFileSync(`${dir}/expected.jsonl`, 'utf8');
    writeFileSync(`${dir}/expected.jsonl`, good.replace('"resources":{"cpu":3}', '"resources":{"cpu":4}'));
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain('stdout differs from expected.jsonl (- expected, + actual):');
    expect(r.out).toContain('- {"src":"n1","dest":"c2","body":{"type":"allocated","in_reply_to":10,"allocation_id":"alloc-3","resources":{"cpu":4}}}');
    expect(r.out).toContain('+ {"src":"n1","dest":"c2","body":{"type":"allocated","in_reply_to":10,"allocation_id":"alloc-3","resources":{"cpu":3}}}');
    expect(readFileSync(`${dir}/expected.jsonl`, 'utf8')).not.toBe(good);
    expect(run('--update', dir).status).toBe(0);
    expect(readFileSync(`${dir}/expected.jsonl`, 'utf8')).toBe(good);
  });

  it('compare after normalising line endings', () => {
    const dir = scratch('t-crlf');
    cpSync(source, dir, { recursive: true });
    writeFileSync(`${dir}/expected.jsonl`, readFileSync(`${dir}/expected.jsonl`, 'utf8').replace(/\n/g, '\r\n'));
    expect(run(dir).status).toBe(0);
  });

  it('fail an expected file that has no input, even with --update', () => {
    const dir = scratch('t-orphan');
    cpSync(`${source}/expected.jsonl`, `${dir}/expected.jsonl`);
    for (const args of [[dir], ['--update', dir]]) {
      const r = run(...args);
      expect(r.out).toContain('expected.jsonl has no input.jsonl beside it');
      expect(r.status).toBe(1);
    }
  });

  it('pass the args file to the node after --deterministic', () => {
    const dir = scratch('t-args');
    cpSync(`${root}fixtures/golden/fifo-policy`, dir, { recursive: true });
    expect(run(dir).status).toBe(0);
    writeFileSync(`${dir}/args`, '--policy backfill\n');
    expect(run(dir).out).toContain('+ {"src":"n1","dest":"c4","body":{"type":"allocated"');
  });
});

describe('harness cases through bin/golden', () => {
  it('report the step, the path in the body, expected and actual, and the node\'s stderr', () => {
    const file = writeCase('wrong-amount', {
      name: 'wrong amount',
      steps: [{ send: { ...allocateGpu(1), body: { ...allocateGpu(1).body, requirements: [{ type: 'gpu', amount: 2 }] } }, expect: [grantedGpu(1)] }],
    });
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe('FAIL cases/wrong-amount - wrong amount');
    expect(r.out).toContain('step 1, reply 1 of 1: body /resources/gpu differs');
    expect(r.out).toMatch(/expected: 1\n\s+actual: {3}2\n/);
    expect(r.out).toContain('node stderr');
    expect(r.lines.at(-1)).toBe('0 passed, 1 failed');
  });

  it('check the reply goes to the sender unless the step names another dest', () => {
    const file = writeCase('wrong-dest', {
      steps: [{ send: allocateGpu(1), expect: [{ dest: 'c9', body: grantedGpu(1) }] }],
    });
    const r = run(file);
    expect(r.out).toContain('envelope "dest" differs');
    expect(r.out).toContain('actual:   "c1"');
  });

  it('say so when a node does not answer in time: the reply that was due, the case, its rules, a hint, the tail of its stderr', () => {
    const file = writeCase('silent', {
      description: 'A fresh node grants a gpu.',
      rules: ['grant'],
      timeout_ms: 300,
      steps: [{ send: allocateGpu(1), expect: [grantedGpu(1)] }],
    });
    const r = run('--node', `echo starting up >&2; cat >/dev/null`, file);
    expect(r.out).toContain('step 1, reply 1 of 1: timed out after 300 ms with no reply');
    expect(r.out).toContain(`      expected: {"src":"n1","dest":"c1","body":${JSON.stringify(grantedGpu(1))}}`);
    expect(r.out).toContain('      hint: does the node write each reply as one line and flush stdout at once');
    expect(r.out).toContain('    case: A fresh node grants a gpu.');
    expect(r.out).toContain(`    rule checked: grant: ${RULES.grant}`);
    expect(r.out).toContain('  | starting up');
    expect(r.status).toBe(1);
  });

  it('stop a case at its first missing reply, and --timeout replaces every case\'s own timeout', () => {
    const file = writeCase('silent-long', {
      timeout_ms: 5000,
      steps: [1, 2, 3].map((n) => ({ send: allocateGpu(n), expect: [grantedGpu(n)] })),
    });
    const started = Date.now();
    const r = run('--timeout', '300', '--node', 'cat >/dev/null', file);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.out.match(/timed out/g)).toEqual(['timed out']);
    expect(r.out).toContain('step 1, reply 1 of 1: timed out after 300 ms with no reply');
    expect(run('--timeout', '0', file).status).toBe(2);
    expect(run('--timeout=1.5', file).status).toBe(2);
  });

  it('accept a reply\'s own msg_id, and fail any other extra key', () => {
    const drains = `${root}fixtures/harness/drain-grants-several-in-order.json`;
    const numbered = run('--node', filteredNode('msg-id'), drains, `${root}fixtures/harness/submit-job-sample.json`);
    expect(numbered.lines.at(-1)).toBe('2 passed, 0 failed');
    const extra = run('--node', filteredNode('extra-key'), drains);
    expect(extra.out).toContain('body /node differs');
    expect(extra.out).toContain('expected: (no such key)');
  });

  it('check that a reply comes from the name its request was sent to', () => {
    const r = run('--node', filteredNode('src-null'), `${root}fixtures/harness/sample-allocate.json`);
    expect(r.status).toBe(1);
    expect(r.out).toContain('step 1, reply 1 of 1: envelope "src" differs');
    expect(r.out).toMatch(/expected: a string matching \/resources\/\n\s+actual: {3}null/);
  });

  it('say so when the node exits before replying', () => {
    const file = writeCase('crashes', { steps: [{ send: allocateGpu(1), expect: [grantedGpu(1)] }] });
    const r = run('--node', 'echo oops >&2; exit 3', file);
    expect(r.out).toContain('the node exited with status 3 before replying');
    expect(r.out).toContain('  | oops');
  });

  it('fail a reply that no step expected', () => {
    const file = writeCase('extra', { steps: [{ send: allocateGpu(1), expect: [] }] });
    expect(run(file).out).toContain('after the last step: a reply no step expected');
    const file2 = writeCase('extra-between', { steps: [{ send: allocateGpu(1), expect: [] }, { send: 'not json', expect: [] }] });
    expect(run(file2).out).toMatch(/after (step 1|the last step): a reply no step expected/);
  });

  it('fail a case file with mistakes, naming them', () => {
    const file = writeCase('broken', { steps: [{ send: allocateGpu(1), expect: [{ type: '(' }] }] });
    expect(run(file).out).toContain('bad case file: step 1: expect[0] body /type');
    writeFileSync(join(work, 'cases', 'not-json.json'), '{');
    expect(run(join(work, 'cases', 'not-json.json')).out).toContain('bad case file');
  });

  it('use captures to release whatever id the node chose', () => {
    const file = writeCase('capture', {
      steps: [
        { send: allocateGpu(1), expect: [grantedGpu(1)], capture: { a: '/0/allocation_id' } },
        {
          send: { src: 'c1', dest: 'n1', body: { type: 'release', msg_id: 2, allocation_id: '{{a}}' } },
          expect: [{ type: 'released', in_reply_to: 2, allocation_id: '{{a}}', resources_freed: { gpu: 1 } }],
        },
      ],
    });
    expect(run('--node', noDrainNode, file).status).toBe(0);
    expect(run(file).status).toBe(0);
  });
});

describe('the command line', () => {
  it('selects fixtures with --filter and exits 2 for a bad command line', () => {
    const r = run('--filter', 'sample-', `${root}fixtures/harness`);
    expect(r.lines).toEqual(['PASS harness/sample-allocate', 'PASS harness/sample-queued', '2 passed, 0 failed']);
    expect(run('no/such/path').status).toBe(2);
    expect(run('--frobnicate').status).toBe(2);
    const help = run('--help').out;
    expect(help).toContain('--timeout MS');
    expect(run('--filter', 'no-fixture-has-this-name').status).toBe(2);
    expect(help).toContain('Usage: golden');
  });

  it('ends quietly when its reader stops reading (as in `bin/golden | head -1`)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${golden}" "${root}fixtures/golden" | head -1`], { cwd: work, encoding: 'utf8' });
    expect(r.stdout).toMatch(/^PASS golden\/\S+\n$/);
    expect(r.stderr).toBe('');
  });
});

describe('a node that never re-drains its queue', () => {
  it('fails exactly the cases where a release must grant a waiting request', async () => {
    const fixtures = discover([`${root}fixtures/harness`]);
    const failedLabels: string[] = [];
    // Eight at a time with a 2 s timeout (startup included, eight starting at once take about 0.5 s):
    // the broken node simply never sends the grant.
    await inPool(fixtures, 8, async (f) => {
      const c = { ...parseCase(JSON.parse(readFileSync(f.path, 'utf8')), 'x'), timeoutMs: 2000 };
      const outcome = await runHarnessCase(c, noDrainNode);
      if (outcome.result === 'fail') {
        failedLabels.push(label(f));
        expect(outcome.details[0]).toMatch(/^step \d+, reply [2-9] of \d+: timed out after 2000 ms/);
      }
    });
    expect(failedLabels.sort()).toEqual([
      'harness/backfill-grants-fitting-newcomer',
      'harness/drain-answers-original-msg-id',
      'harness/drain-arrival-order',
      'harness/drain-backfills-past-a-big-request',
      'harness/drain-grants-several-in-order',
      'harness/drain-grants-waiting-request',
      'harness/drain-same-client-twice',
      'harness/fractional-amount',
      'harness/multi-type-waits-for-every-type',
      'harness/release-frees-for-next-allocate',
    ]);
  }, 60_000);

  it('gets a FAIL line and a non-zero exit from bin/golden', () => {
    const c = JSON.parse(readFileSync(`${root}fixtures/harness/drain-grants-waiting-request.json`, 'utf8'));
    const file = writeCase('no-drain', { ...c, timeout_ms: 1000 });
    const r = run('--node', noDrainNode, file);
    expect(r.lines[0]).toMatch(/^FAIL /);
    expect(r.out).toContain('step 3, reply 2 of 2: timed out after 1000 ms');
    expect(r.lines.at(-1)).toBe('0 passed, 1 failed');
    expect(r.status).toBe(1);
  });
});

describe('the rules the harness cases check', () => {
  it('every case names the rules it checks, and --policy fifo fails exactly the cases that name backfill', async () => {
    const fixtures = discover([`${root}fixtures/harness`]);
    const cases = fixtures.map((f) => ({ f, c: parseCase(JSON.parse(readFileSync(f.path, 'utf8')), 'x') }));
    for (const { f, c } of cases) expect(c.rules.length, label(f)).toBeGreaterThan(0);
    const fifo = `${ourNode} --policy fifo`;
    const failures = new Map<string, readonly string[]>();
    // Eight at a time; one case fails by a missing grant, so 3 s stands in for its 5 s timeout
    // (startup included: eight nodes starting at once answer within about 0.7 s here).
    await inPool(cases, 8, async ({ f, c }) => {
      const outcome = await runHarnessCase({ ...c, timeoutMs: 3000 }, fifo);
      if (outcome.result === 'fail') failures.set(label(f), outcome.details);
    });
    expect(failures.size).toBe(6);
    for (const [l, details] of failures) expect(details, l).toContain(`rule checked: backfill: ${RULES.backfill}`);
  });

  it('are listed in docs/golden.md, and the surprising ones at the top of the README\'s "Check your own node"', () => {
    const guide = readFileSync(`${root}docs/golden.md`, 'utf8');
    for (const [name, text] of Object.entries(RULES)) expect(guide).toContain(`| \`${name}\` | ${text} |`);
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const section = /## Check your own node\n([\s\S]*?)\n## /.exec(readme)![1]!;
    const top = section.slice(0, section.indexOf('bin/golden --node'));
    for (const name of SURPRISING_RULES) expect(top).toContain(`(\`${name}\`)`);
  });
});
