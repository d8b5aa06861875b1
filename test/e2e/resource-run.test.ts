import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, childrenOf, jobFile, removeTempDirs, run, startRun, startedPids, stopLeftRunners, tempDir, waitFor } from './run-support.js';

// Runners a failed test left going; not after each test, since the tests of a group run at once.
afterAll(async () => {
  await stopLeftRunners();
  removeTempDirs();
});

const sh = (script: string): string[] => ['sh', '-c', script];

/** The summary's row for `job`, as its cells. */
function row(stdout: string, job: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${job} `) && !l.includes(' | '));
  return line === undefined ? [] : line.split(/\s{2,}/);
}

// Each test has its own runner, node and temp dir; they mostly sleep, so they run at once.
describe.concurrent('resource-run with real processes', () => {
  it('runs, reaps and releases: completed, failed with its exit code, killed by its timeout', async () => {
    const dir = tempDir();
    const file = jobFile(dir, [
      { name: 'nap', command: sh('echo hello; sleep 0.2'), requirements: [{ type: 'cpu', amount: 1 }] },
      { name: 'three', command: sh('echo oops >&2; exit 3'), requirements: { cpu: 1 } },
      { name: 'slow', command: ['sleep', '10'], requirements: { cpu: 1 }, timeout_ms: 200 },
      // Ignores SIGTERM: the grace ends in SIGKILL.
      { name: 'stubborn', command: sh("trap '' TERM; sleep 10 & wait; sleep 10"), requirements: { cpu: 1 }, timeout_ms: 100 },
      // A program that cannot start fails as in a shell.
      { name: 'missing', command: ['no-such-program-anywhere'], requirements: { cpu: 1 } },
    ]);
    const started = Date.now();
    const r = await run(['--capacity', 'cpu=5', '--grace-ms', '200', file]);
    // Well short of the 10 s sleeps: nothing waited them out.
    expect(Date.now() - started).toBeLessThan(9000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nap      | hello');
    expect(r.stderr).toContain('three    | oops');
    expect(r.stdout).toMatch(/\] three failed with exit code 3 after \d+ ms/);
    expect(r.stdout).toMatch(/\] slow is stopped: timeout 200 ms/);
    expect(r.stdout).toMatch(/\] stubborn was killed by SIGKILL after \d+ ms \(timeout 100 ms\)/);
    expect(row(r.stdout, 'nap').slice(0, 3)).toEqual(['nap', 'completed', 'exit code 0']);
    expect(row(r.stdout, 'three').slice(0, 3)).toEqual(['three', 'failed', 'exit code 3']);
    expect(row(r.stdout, 'slow').slice(0, 3)).toEqual(['slow', 'killed', 'SIGTERM; stopped: timeout 200 ms']);
    expect(r.stderr).toContain('missing  | cannot start no-such-program-anywhere: ENOENT');
    expect(row(r.stdout, 'missing').slice(0, 3)).toEqual(['missing', 'failed', 'exit code 127']);
    expect(r.stdout).toContain('5 jobs: 1 completed, 2 failed, 2 killed');
    for (const pid of startedPids(r.stdout)) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  it('exits 0 when every job completes, and tells each job what it holds in its environment', async () => {
    const print = sh('echo "$RESOURCE_RUN_JOB $RESOURCE_RUN_RESOURCES $RESOURCE_RUN_MEMBERS_ROBOT $RESOURCE_RUN_ALLOCATION_ID"');
    const r = await run(['--deterministic', '--pool', 'robot=r1,r2', '--job', JSON.stringify({ name: 'a', command: print, requirements: { robot: 1, cpu: 2 } })]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a | a robot=1,cpu=2 r1 alloc-1');
    expect(r.stdout).toMatch(/\] a starts on robot r1 \(pid \d+\)/);
  });

  it('never runs more than the capacity at once, by the processes own start and end stamps', async () => {
    const dir = tempDir();
    const stamps = join(dir, 'stamps');
    // Each job appends "start NAME AMOUNT NANOSECONDS" and "end ..." lines from inside the process.
    const job = (name: string, cpu: number) => ({
      name,
      command: sh(`echo "start ${name} ${cpu} $(date +%s%N)" >> ${stamps}; sleep 0.3; echo "end ${name} ${cpu} $(date +%s%N)" >> ${stamps}`),
      requirements: { cpu },
    });
    const file = jobFile(dir, [job('a', 2), job('b', 1), job('c', 3), job('d', 1), job('e', 2), job('f', 1), job('g', 2)]);
    const r = await run(['--capacity', 'cpu=4', file]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(stamps, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(lines).toHaveLength(14);
    // Ends before starts at the same nanosecond: a release comes before the grant it makes room for.
    const sorted = lines.map(([kind, , cpu, at]) => ({ kind: kind!, cpu: Number(cpu), at: BigInt(at!) })).sort((x, y) => (x.at === y.at ? (x.kind === 'end' ? -1 : 1) : x.at < y.at ? -1 : 1));
    let held = 0;
    let most = 0;
    for (const s of sorted) {
      held += s.kind === 'start' ? s.cpu : -s.cpu;
      most = Math.max(most, held);
      expect(held).toBeLessThanOrEqual(4);
    }
    // The jobs did overlap: the check above was not passed by running one at a time.
    expect(most).toBeGreaterThan(2);
  });

  it('stops a job preempted by one of higher priority, which then runs', async () => {
    const r = await run([
      '--capacity',
      'gpu=1',
      '--preemption',
      'lower-priority',
      // The victim has 5 s to give its gpu back: it is stopped at once and releases on exit, long before.
      '--preemption-grace-ms',
      '5000',
      '--grace-ms',
      '200',
      '--job',
      JSON.stringify({ name: 'low', command: ['sleep', '10'], requirements: { gpu: 1 } }),
      '--job',
      JSON.stringify({ name: 'high', command: ['true'], requirements: { gpu: 1 }, priority: 5 }),
    ]);
    expect(r.stdout).toMatch(/\] high waits: Preempting \(gpu: 1 needed, 0 free\)/);
    expect(r.stdout).toMatch(/\] low is stopped: preempted/);
    expect(row(r.stdout, 'low').slice(0, 3)).toEqual(['low', 'killed', 'SIGTERM; stopped: preempted']);
    expect(row(r.stdout, 'high')[1]).toBe('completed');
    // The gpu went to high only once low had exited.
    expect(r.stdout.indexOf('] low was killed')).toBeLessThan(r.stdout.indexOf('] high starts'));
    expect(r.code).toBe(1);
  });

  it('stops every job and exits 1 when its node goes away', async () => {
    const { child, done, output } = startRun(['--grace-ms', '200', '--job', JSON.stringify({ name: 'long', command: ['sleep', '10'], requirements: { cpu: 1 } })]);
    const [, pid] = await waitFor(output, /long starts \(pid (\d+)\)/);
    const node = childrenOf(child.pid!).filter((p) => p !== Number(pid));
    expect(node).toHaveLength(1);
    process.kill(node[0]!, 'SIGKILL');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\] long is stopped: node lost/);
    expect(r.stderr).toContain('resource-run: the node exited early (code null)');
    expect(alive(Number(pid))).toBe(false);
  });

  it('runs on when its reader goes away (| head), and leaves nothing behind', async () => {
    const dir = tempDir();
    const marker = join(dir, 'finished');
    const { child, done, output } = startRun(['--job', JSON.stringify({ name: 'chatty', command: sh(`for i in 1 2 3 4 5; do echo line $i; sleep 0.05; done; touch ${marker}`), requirements: { cpu: 1 } })]);
    const [, pid] = await waitFor(output, /chatty starts \(pid (\d+)\)/);
    child.stdout!.destroy();
    const r = await done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('');
    expect(alive(Number(pid))).toBe(false);
  });

  it('reaps what a job leaves behind in its group when it exits', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'grandchild');
    const file = jobFile(dir, [{ name: 'leaver', command: sh(`sleep 30 & echo $! > ${pidFile}; exit 0`), requirements: { cpu: 1 } }]);
    const started = Date.now();
    const r = await run(['--grace-ms', '2000', file]);
    expect(r.code, r.stderr).toBe(0);
    // Well short of the leftover's 30 s: it was stopped, not waited for.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('on Ctrl-C stops launching, stops every group, releases everything, exits 130, and leaves no process behind', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'grandchild');
    const file = jobFile(dir, [
      { name: 'parent', command: sh(`sleep 30 & echo $! > ${pidFile}; wait`), requirements: { cpu: 4 } },
      { name: 'other', command: ['sleep', '30'], requirements: { cpu: 4 } },
      { name: 'queued', command: ['sleep', '30'], requirements: { cpu: 4 } },
    ]);
    const { child, done, output } = startRun(['--grace-ms', '300', file]);
    await waitFor(output, /queued waits/);
    await waitFor(() => (readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }) === '' ? '' : 'ok'), /ok/);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // The runner's children: the node and the two job leaders.
    const children = childrenOf(child.pid!);
    expect(children).toHaveLength(3);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/\] parent is stopped: interrupted/);
    expect(r.stdout).toMatch(/\] queued cancelled before it started \(interrupted\)/);
    expect(r.stdout).toContain('3 jobs: 2 killed, 1 cancelled');
    for (const pid of [...children, grandchild]) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});

describe.concurrent('resource-run and signals', () => {
  it('exits 143 on SIGTERM, its job stopped', async () => {
    const { child, done, output } = startRun(['--job', JSON.stringify({ name: 'long', command: ['sleep', '10'], requirements: { cpu: 1 } })]);
    const [, pid] = await waitFor(output, /long starts \(pid (\d+)\)/);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(alive(Number(pid))).toBe(false);
  });

  it('on a second Ctrl-C kills at once what ignores SIGTERM, without waiting out the grace', async () => {
    const { child, done, output } = startRun(['--grace-ms', '10000', '--job', JSON.stringify({ name: 'deaf', command: ['sh', '-c', "trap '' TERM INT; echo deaf now; sleep 10; sleep 10"], requirements: { cpu: 1 } })]);
    const [, pid] = await waitFor(output, /deaf starts \(pid (\d+)\)/);
    // Signalled only once its trap is set.
    await waitFor(output, /deaf \| deaf now/);
    child.kill('SIGINT');
    await waitFor(output, /deaf is stopped: interrupted/);
    const second = Date.now();
    child.kill('SIGINT');
    const r = await done;
    // Well short of the 10 s grace.
    expect(Date.now() - second).toBeLessThan(8000);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/\] deaf was killed by SIGKILL/);
    expect(alive(Number(pid))).toBe(false);
  });
});

describe.concurrent('resource-run refuses what it cannot run', () => {
  it('names every bad line of a job file, with its line number, and exits 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      [
        '# a comment, then a good job',
        '{"name":"ok","command":["true"],"requirements":{"cpu":1}}',
        '{"name":"ok","command":["true"],"requirements":{"cpu":1}}',
        '{"name":"x","command":"make","requirements":{"cpu":1}}',
        '{"name":"y","command":["true"],"requirements":[{"type":"cpu","amount":0}]}',
        '{"name":"z","command":["true"],"requirements":{"cpu":1},"timeout":5}',
        'not json',
      ].join('\n'),
    );
    const r = await run([file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 4)).toEqual([
      `resource-run: ${file}:4: command must be a non-empty array of strings, like ["sh", "-c", "make test"]`,
      `resource-run: ${file}:5: requirements[0].amount must be a positive number`,
      `resource-run: ${file}:6: unknown field "timeout" (a job has name, command, requirements, priority, timeout_ms, lease_ms)`,
      expect.stringMatching(new RegExp(`^resource-run: ${file}:7: not JSON`)),
    ]);
  });

  it('refuses a job the node can never grant before starting anything', async () => {
    const r = await run(['--capacity', 'cpu=2', '--job', '{"name":"huge","command":["true"],"requirements":{"cpu":3}}', '--job', '{"name":"tpu","command":["true"],"requirements":{"tpu":1}}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'resource-run: job huge can never run: it needs cpu 3, the node\'s whole capacity is 2\nresource-run: job tpu can never run: the node has no resource type "tpu" (it has "cpu")\n',
    );
  });

  it('passes node flags through, and a bad one exits 2', async () => {
    const r = await run(['--capacity', 'cpu=-1', '--job', '{"command":["true"],"requirements":{"cpu":1}}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^resource-run: --capacity.*\(a flag for our own node\)\n/);
  });

  it('prints the plan with --dry-run and runs nothing', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const r = await run(['--pool', 'robot=r1,r2', '--dry-run', '--job', JSON.stringify({ name: 'a', command: ['touch', marker], requirements: { robot: 2 } }), '--job', JSON.stringify({ name: 'b', command: ['touch', marker], requirements: { robot: 1 }, priority: 3 })]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'capacity: cpu 8, memory 16, gpu 2, robot 2; members: robot r1,r2',
      '2 jobs, submitted at once in this order; those that wait start as others end, higher priority first:',
      '  a     fits now              robot 2',
    ]);
    expect(() => readFileSync(marker)).toThrow();
  });
});

// Alone: it freezes its runner on purpose, and its timing should not share the machine with the others.
describe.sequential('resource-run and leases', () => {
  it('stops a job whose lease expired while the runner could not renew it', async () => {
    const dir = tempDir();
    const file = jobFile(dir, [
      { name: 'leased', command: ['sleep', '10'], requirements: { gpu: 1 }, lease_ms: 300 },
      // Renewed every 400 ms: a loaded machine may delay a renewal by 800 ms before the lease runs out.
      { name: 'renewed', command: ['sleep', '1.5'], requirements: { gpu: 1 }, lease_ms: 1200 },
    ]);
    const { child, done, output } = startRun(['--grace-ms', '200', file]);
    await waitFor(output, /renewed starts/);
    await waitFor(output, /renewed completed/);
    // Frozen past the lease: the node reclaims the allocation and says so; woken, the runner stops the job.
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGCONT');
    const r = await done;
    expect(r.stdout).toMatch(/\] leased is stopped: lease expired/);
    expect(row(r.stdout, 'leased').slice(0, 3)).toEqual(['leased', 'killed', 'SIGTERM; stopped: lease expired']);
    // Renewed every third of its lease, the other job outlived its 1200 ms lease and completed.
    expect(row(r.stdout, 'renewed')[1]).toBe('completed');
    expect(r.code).toBe(1);
  });
});
