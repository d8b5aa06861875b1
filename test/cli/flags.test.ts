import { describe, expect, it } from 'vitest';
import { FlagError, USAGE, parseFlags } from '../../src/cli/flags.js';
import { DEFAULT_CONFIG, type NodeConfig } from '../../src/server/config.js';

function config(argv: string[]): NodeConfig {
  const c = parseFlags(argv);
  if (c.kind !== 'run') throw new Error(`expected a run, got ${c.kind}`);
  return c.config;
}

function flagError(argv: string[]): string {
  try {
    parseFlags(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(FlagError);
    return (e as Error).message;
  }
  throw new Error(`expected FlagError for ${argv.join(' ')}`);
}

describe('parseFlags', () => {
  it('defaults to the documented defaults', () => {
    expect(config([])).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toEqual({
      capacity: [
        ['cpu', 8],
        ['memory', 16],
        ['gpu', 2],
      ],
      deterministic: false,
      maxLineBytes: 1024 * 1024,
      maxQueue: 100_000,
      maxJobs: 1_000_000,
      maxAllocations: 1_000_000,
      policy: 'backfill',
      maxBypass: 100,
      pools: [],
      admins: [],
      tenants: [],
      preemption: 'off',
      preemptionGraceMs: 0,
    });
  });

  it('reads --help, -h and --version, wherever they stand', () => {
    expect(parseFlags(['--help'])).toEqual({ kind: 'help' });
    expect(parseFlags(['-h'])).toEqual({ kind: 'help' });
    expect(parseFlags(['--deterministic', '--version'])).toEqual({ kind: 'version' });
    expect(USAGE).toMatch(/--capacity/);
    for (const flag of ['--capacity', '--pool', '--deterministic', '--policy', '--max-bypass', '--max-queue', '--max-line-bytes', '--admin', '--quota', '--weight', '--preemption', '--preemption-grace-ms', '--help', '--version']) {
      expect(USAGE).toContain(flag);
    }
  });

  describe.each([
    ['--x v', (flag: string, v: string) => [flag, v]],
    ['--x=v', (flag: string, v: string) => [`${flag}=${v}`]],
  ])('every valued flag in the form %s', (_form, as) => {
    it('--capacity', () => {
      expect(config(as('--capacity', 'cpu=4,memory=0.5,__proto__=1')).capacity).toEqual([
        ['cpu', 4],
        ['memory', 0.5],
        ['__proto__', 1],
      ]);
    });
    it('--policy', () => {
      expect(config(as('--policy', 'fifo')).policy).toBe('fifo');
      expect(config(as('--policy', 'backfill')).policy).toBe('backfill');
      expect(config(as('--policy', 'drf')).policy).toBe('drf');
    });
    it('--quota and --weight, one entry per tenant in the order first named', () => {
      const c = config([...as('--quota', 'a=cpu:4,gpu:1'), ...as('--weight', 'b=2.5'), ...as('--weight', 'a=0.001'), ...as('--quota', '__proto__=memory:0')]);
      expect(c.tenants).toEqual([
        [
          'a',
          {
            quota: [
              ['cpu', 4],
              ['gpu', 1],
            ],
            weight: 0.001,
          },
        ],
        ['b', { weight: 2.5 }],
        ['__proto__', { quota: [['memory', 0]] }],
      ]);
    });
    it('--preemption and --preemption-grace-ms', () => {
      expect(config(as('--preemption', 'lower-priority')).preemption).toBe('lower-priority');
      expect(config(as('--preemption', 'off')).preemption).toBe('off');
      expect(config(as('--preemption-grace-ms', '250')).preemptionGraceMs).toBe(250);
    });
    it('--max-bypass', () => {
      expect(config(as('--max-bypass', '3')).maxBypass).toBe(3);
      expect(config(as('--max-bypass', '0')).maxBypass).toBe(0);
    });
    it('--max-queue', () => {
      expect(config(as('--max-queue', '7')).maxQueue).toBe(7);
    });
    it('--max-line-bytes', () => {
      expect(config(as('--max-line-bytes', '4096')).maxLineBytes).toBe(4096);
    });
    it('--pool', () => {
      const c = config([...as('--pool', 'robot=r1,r2'), ...as('--pool', 'arm=a1')]);
      expect(c.pools).toEqual([
        ['robot', ['r1', 'r2']],
        ['arm', ['a1']],
      ]);
      expect(c.capacity).toEqual(DEFAULT_CONFIG.capacity);
    });
    it('--admin, repeatable, each name once', () => {
      expect(config([...as('--admin', 'ops'), ...as('--admin', 'c=1'), ...as('--admin', 'ops')]).admins).toEqual(['ops', 'c=1']);
    });
  });

  it('a later --quota for a tenant replaces its quota whole; a later --weight its weight', () => {
    const c = config(['--quota', 'a=cpu:4,gpu:1', '--weight', 'a=3', '--quota', 'a=gpu:2', '--weight', 'a=1.5']);
    expect(c.tenants).toEqual([['a', { quota: [['gpu', 2]], weight: 1.5 }]]);
  });

  it('a quota may name a pool type, or a type --capacity adds', () => {
    const c = config(['--pool', 'robot=r1,r2', '--capacity', 'tpu=1', '--quota', 'a=robot:1,tpu:1']);
    expect(c.tenants).toEqual([
      [
        'a',
        {
          quota: [
            ['robot', 1],
            ['tpu', 1],
          ],
        },
      ],
    ]);
  });

  it('--deterministic', () => {
    expect(config(['--deterministic']).deterministic).toBe(true);
  });

  it('combines flags, the last of a repeated one winning', () => {
    const c = config(['--deterministic', '--policy', 'fifo', '--max-queue=2', '--policy', 'backfill']);
    expect(c).toEqual({ ...DEFAULT_CONFIG, deterministic: true, policy: 'backfill', maxQueue: 2 });
  });

  it('merges repeated --capacity: types keep their first place, a later amount wins', () => {
    expect(config(['--capacity', 'cpu=4', '--capacity', 'gpu=1']).capacity).toEqual([
      ['cpu', 4],
      ['gpu', 1],
    ]);
    expect(config(['--capacity', 'cpu=4,gpu=1', '--capacity=memory=2,cpu=6']).capacity).toEqual([
      ['cpu', 6],
      ['gpu', 1],
      ['memory', 2],
    ]);
    expect(USAGE).toMatch(/--capacity[^\n]*\n[^\n]*repeats merge/);
  });

  it('a pool named like a default type replaces that type', () => {
    expect(config(['--pool', 'gpu=g1,g2']).capacity).toEqual([
      ['cpu', 8],
      ['memory', 16],
    ]);
  });

  it('throws FlagError naming the problem for every bad flag', () => {
    expect(flagError(['--nope'])).toMatch(/unknown flag "--nope"/);
    expect(flagError(['capacity'])).toMatch(/unexpected argument "capacity": resource-node takes only flags/);
    expect(flagError(['--deterministic', 'extra'])).toMatch(/unexpected argument "extra"/);
    expect(flagError(['--capacity'])).toMatch(/--capacity needs a value/);
    expect(flagError(['--capacity', 'cpu'])).toMatch(/--capacity: expected TYPE=AMOUNT/);
    expect(flagError(['--capacity', '=4'])).toMatch(/--capacity: expected TYPE=AMOUNT/);
    expect(flagError(['--capacity', 'cpu='])).toMatch(/--capacity: expected TYPE=AMOUNT/);
    expect(flagError(['--capacity', 'cpu=-1'])).toMatch(/--capacity: cpu must be a number/);
    expect(flagError(['--capacity', 'cpu=abc'])).toMatch(/--capacity: cpu must be a number/);
    expect(flagError(['--capacity', 'cpu=1.0005'])).toMatch(/at most 3 decimals/);
    expect(flagError(['--capacity', 'cpu=2e12'])).toMatch(/from 0 to 1e12/);
    expect(flagError(['--capacity', 'cpu=1,cpu=2'])).toMatch(/cpu is given twice/);
    expect(flagError(['--policy', 'lifo'])).toMatch(/--policy must be backfill, fifo or drf, not "lifo"/);
    expect(flagError(['--policy'])).toMatch(/--policy needs a value/);
    expect(flagError(['--preemption', 'all'])).toMatch(/--preemption must be off or lower-priority, not "all"/);
    expect(flagError(['--preemption-grace-ms', '-5'])).toMatch(/--preemption-grace-ms must be an integer >= 0/);
    expect(flagError(['--preemption-grace-ms', '2147483648'])).toMatch(/--preemption-grace-ms must be at most 2147483647/);
    expect(flagError(['--max-bypass', '-1'])).toMatch(/--max-bypass must be an integer >= 0/);
    expect(flagError(['--max-bypass=1.5'])).toMatch(/--max-bypass must be an integer/);
    expect(flagError(['--max-queue', '0'])).toMatch(/--max-queue must be an integer >= 1, got "0"/);
    expect(flagError(['--max-queue', '1e3'])).toMatch(/--max-queue must be an integer/);
    expect(flagError(['--max-line-bytes', ''])).toMatch(/--max-line-bytes must be an integer/);
    expect(flagError(['--max-line-bytes', '99999999999999999999'])).toMatch(/--max-line-bytes must be an integer/);
    expect(flagError(['--max-line-bytes', '268435457'])).toMatch(/--max-line-bytes must be at most 268435456, got 268435457/);
    expect(flagError(['--max-jobs', '0'])).toMatch(/--max-jobs must be an integer >= 1/);
    expect(flagError(['--max-allocations', 'x'])).toMatch(/--max-allocations must be an integer >= 1/);
    expect(flagError(['--shutdown-grace-ms', '2147483648'])).toMatch(/--shutdown-grace-ms must be at most 2147483647/);
    expect(flagError(['--pool', 'robot'])).toMatch(/--pool: expected TYPE=MEMBER/);
    expect(flagError(['--pool', 'robot=r1,,r2'])).toMatch(/--pool: expected TYPE=MEMBER/);
    expect(flagError(['--pool', 'robot=r1,r1'])).toMatch(/--pool robot: member "r1" is named twice/);
    expect(flagError(['--pool', 'robot=r1', '--pool', 'robot=r2'])).toMatch(/--pool robot is given twice/);
    expect(flagError(['--capacity', 'robot=2', '--pool', 'robot=r1'])).toMatch(/also in --capacity/);
    expect(flagError(['--admin'])).toMatch(/--admin needs a value/);
    expect(flagError(['--admin', ''])).toMatch(/--admin needs a client name/);
    expect(flagError(['--quota'])).toMatch(/--quota needs a value/);
    expect(flagError(['--quota', 'cpu:4'])).toBe('--quota: expected NAME=TYPE:AMOUNT,..., got "cpu:4"');
    expect(flagError(['--quota', '=cpu:4'])).toBe('--quota: the tenant name before "=" is missing in "=cpu:4"');
    expect(flagError(['--quota', 'a='])).toBe('--quota a: expected TYPE:AMOUNT, got ""');
    expect(flagError(['--quota', 'a=cpu:1,,gpu:1'])).toBe('--quota a: expected TYPE:AMOUNT, got ""');
    expect(flagError(['--quota', 'a=cpu'])).toBe('--quota a: expected TYPE:AMOUNT, got "cpu"');
    expect(flagError(['--quota', 'a=cpu:'])).toBe('--quota a: expected TYPE:AMOUNT, got "cpu:"');
    expect(flagError(['--quota', 'a=:4'])).toBe('--quota a: expected TYPE:AMOUNT, got ":4"');
    expect(flagError(['--quota', 'a=cpu=4'])).toBe('--quota a: expected TYPE:AMOUNT, got "cpu=4"');
    expect(flagError(['--quota', 'a=cpu:-1'])).toBe('--quota a: cpu must be a number from 0 to 1e12 with at most 3 decimals, got "-1"');
    expect(flagError(['--quota', 'a=cpu:x'])).toMatch(/--quota a: cpu must be a number/);
    expect(flagError(['--quota', 'a=cpu:1.0005'])).toMatch(/--quota a: cpu .*at most 3 decimals, got "1.0005"/);
    expect(flagError(['--quota', 'a=cpu:2e12'])).toMatch(/--quota a: cpu must be a number from 0 to 1e12/);
    expect(flagError(['--quota', 'a=cpu:1,cpu:2'])).toBe('--quota a: cpu is given twice');
    expect(flagError(['--quota', 'a=tpu:1'])).toBe('--quota a: tpu is not a resource type; known: cpu, memory, gpu');
    expect(flagError(['--quota', `${'t'.repeat(257)}=cpu:1`])).toBe('--quota: the tenant name is longer than 256 characters');
    expect(flagError(['--weight'])).toMatch(/--weight needs a value/);
    expect(flagError(['--weight', '2'])).toBe('--weight: expected NAME=WEIGHT, got "2"');
    expect(flagError(['--weight', '=2'])).toBe('--weight: the tenant name before "=" is missing in "=2"');
    expect(flagError(['--weight', 'a='])).toBe('--weight a: the weight must be a positive number up to 1e12 with at most 3 decimals, got ""');
    expect(flagError(['--weight', 'a=0'])).toMatch(/--weight a: the weight must be a positive number .*got "0"/);
    expect(flagError(['--weight', 'a=-1'])).toMatch(/--weight a: the weight must be a positive number .*got "-1"/);
    expect(flagError(['--weight', 'a=1.0001'])).toMatch(/--weight a: .*at most 3 decimals, got "1.0001"/);
    expect(flagError(['--weight', 'a=heavy'])).toMatch(/--weight a: the weight must be a positive number/);
  });

  it('reads the bounds and the shutdown grace', () => {
    const run = parseFlags(['--max-line-bytes', '268435456', '--max-jobs', '7', '--max-allocations=9', '--shutdown-grace-ms', '0']);
    expect(run).toMatchObject({ kind: 'run', config: { maxLineBytes: 268435456, maxJobs: 7, maxAllocations: 9 }, shutdownGraceMs: 0 });
    expect(parseFlags([])).toMatchObject({ shutdownGraceMs: 5000 });
  });

  it('a switch given a value is an error, not silently on', () => {
    expect(flagError(['--deterministic=false'])).toMatch(/--deterministic takes no value/);
    expect(flagError(['--help=1'])).toMatch(/--help takes no value/);
    expect(flagError(['--version=2'])).toMatch(/--version takes no value/);
  });
});
