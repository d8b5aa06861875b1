import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === 'generated' ? [] : files(path)) : [path];
  });
}

describe('the docs stand alone', () => {
  it('no doc, source comment or test cites a specification file users do not have', () => {
    // Built from pieces so this file does not cite it either.
    const citation = new RegExp(['SPEC', '(\\.md|\\s+sections?\\b)'].join(''), 'i');
    const cited = [`${root}README.md`, ...['docs', 'src', 'test', 'bench', 'scripts'].flatMap((d) => files(join(root, d)))]
      .filter((f) => /\.(md|ts|mjs|js)$/.test(f) && citation.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(cited).toEqual([]);
  });
});
