/** One command-line argument as a flag: `--name value`, `--name=value`, a switch, or a bare word. */
export interface Flag {
  readonly arg: string;
  /** The flag's name (`--name` of `--name=value`), or the whole argument. */
  readonly name: string;
  /** The value given after `=`, if any. */
  readonly inline: string | undefined;
  /** Its value: the part after `=`, else the next argument (which is then skipped). */
  value(): string;
  /** Refuses a value given after `=` to a flag that takes none. */
  noValue(): void;
}

/** The arguments of `argv` as flags, in order; `fail` makes the error thrown for a missing or unwanted value. */
export function* flagsOf(argv: readonly string[], fail: (message: string) => Error): Generator<Flag> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    yield {
      arg,
      name,
      inline,
      value: () => {
        if (inline !== undefined) return inline;
        const v = argv[++i];
        if (v === undefined) throw fail(`${name} needs a value`);
        return v;
      },
      noValue: () => {
        if (inline !== undefined) throw fail(`${name} takes no value`);
      },
    };
  }
}
