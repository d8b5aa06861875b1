import { describe, expect, it } from 'vitest';
import { flagsOf } from '../../src/lib/argv.js';

const read = (argv: string[], takesValue: Set<string>) => {
  const out: [string, string | undefined][] = [];
  for (const f of flagsOf(argv, (m) => new Error(m))) {
    if (takesValue.has(f.name)) out.push([f.name, f.value()]);
    else {
      f.noValue();
      out.push([f.name, undefined]);
    }
  }
  return out;
};

describe('flagsOf', () => {
  it('reads --name value, --name=value, switches and bare words, skipping a value it took', () => {
    expect(read(['--a', '1', '--b=2', '-x', 'word', '--c', '--a=x=y'], new Set(['--a', '--b']))).toEqual([
      ['--a', '1'],
      ['--b', '2'],
      ['-x', undefined],
      ['word', undefined],
      ['--c', undefined],
      ['--a', 'x=y'],
    ]);
  });

  it('says which flag lacks its value, and which was given one it does not take', () => {
    expect(() => read(['--a'], new Set(['--a']))).toThrow('--a needs a value');
    expect(() => read(['--c=1'], new Set())).toThrow('--c takes no value');
  });
});
