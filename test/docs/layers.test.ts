import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/architecture.md: each layer imports only the layers below it.
const src = new URL('../../src/', import.meta.url).pathname;
const ORDER = ['lib', 'core', 'protocol', 'generated', 'server', 'adapters', 'cli', 'golden', 'run', 'demo'];
/** What each layer may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  core: ['lib'],
  protocol: ['lib', 'core'],
  generated: [],
  server: ['lib', 'core', 'protocol', 'generated'],
  adapters: ['lib', 'core', 'protocol', 'server'],
  cli: ['lib', 'core', 'protocol', 'server', 'adapters', 'generated'],
  golden: ['lib', 'protocol'],
  run: ['lib', 'core', 'protocol', 'adapters', 'cli'],
  demo: ['lib', 'core', 'protocol', 'server', 'adapters', 'cli', 'generated', 'run'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (path: string): string => relative(src, path).split('/')[0]!;

describe('layers', () => {
  it('each layer imports only the layers below it', () => {
    const wrong: string[] = [];
    for (const file of files(src)) {
      const layer = layerOf(file);
      if (!ORDER.includes(layer)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = layerOf(resolve(dirname(file), m[1]!));
        if (target !== layer && !ALLOWED[layer]!.includes(target)) wrong.push(`${relative(src, file)} imports ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
