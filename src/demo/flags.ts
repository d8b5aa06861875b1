/** A demo command line that cannot be run; the program prints it and exits 2. */
export class DemoFlagError extends Error {}

export interface DemoOptions {
  readonly jobs: number;
  readonly robots: number;
  readonly jobMs: number;
  /** Where the SVG timeline goes. */
  readonly svg: string;
}

export const DEMO_DEFAULTS: DemoOptions = { jobs: 3, robots: 2, jobMs: 1500, svg: 'demo-timeline.svg' };

export const DEMO_USAGE = `Usage: node dist/demo.js [flags]     (or: make demo DEMO_ARGS="...")

Jobs share a pool of robots through resource-run: each job is a real process that holds
one robot (it prints the robot it was given, then sleeps). All jobs are submitted at once;
jobs that find every robot busy wait, and start the moment one comes back.

Flags:
  --jobs N        how many jobs                          (default ${DEMO_DEFAULTS.jobs})
  --robots N      how many robots in the pool            (default ${DEMO_DEFAULTS.robots})
  --job-ms MS     how long each job holds its robot      (default ${DEMO_DEFAULTS.jobMs})
  --svg PATH      where to write the timeline picture    (default ${DEMO_DEFAULTS.svg})
  --help          this text
`;

/** Parses the demo's argv; undefined means `--help` was asked for. Throws DemoFlagError. */
export function parseDemoFlags(argv: readonly string[]): DemoOptions | undefined {
  let o = DEMO_DEFAULTS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new DemoFlagError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        return undefined;
      case '--jobs':
        o = { ...o, jobs: count(name, value(), 1, 100) };
        break;
      case '--robots':
        o = { ...o, robots: count(name, value(), 1, 26) };
        break;
      case '--job-ms':
        o = { ...o, jobMs: count(name, value(), 1, 600_000) };
        break;
      case '--svg': {
        const path = value();
        if (path === '') throw new DemoFlagError('--svg needs a path');
        o = { ...o, svg: path };
        break;
      }
      default:
        if (!arg.startsWith('-')) throw new DemoFlagError(`unexpected argument ${JSON.stringify(arg)}: the demo takes only flags`);
        throw new DemoFlagError(`unknown flag ${JSON.stringify(arg)}`);
    }
  }
  return o;
}

function count(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < min || n > max) throw new DemoFlagError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}
