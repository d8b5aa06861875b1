import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ARGS, EXPECTED, INPUT } from './transcript.js';

/** A fixture found on disk: a transcript directory or a harness case file. */
export type Fixture = { readonly kind: 'transcript'; readonly path: string } | { readonly kind: 'case'; readonly path: string };

/**
 * Finds the fixtures under the given paths. A directory holding `input.jsonl` or
 * `expected.jsonl` is a transcript; any `*.json` file is a harness case; other
 * directories are searched, in name order. Throws when a path does not exist.
 */
export function discover(paths: readonly string[]): Fixture[] {
  const found = new Map<string, Fixture>();
  const add = (f: Fixture): void => {
    if (!found.has(f.path)) found.set(f.path, f);
  };
  const walk = (path: string, explicit: boolean): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (existsSync(join(path, INPUT)) || existsSync(join(path, EXPECTED))) return add({ kind: 'transcript', path });
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry);
        const s = statSync(child);
        if (s.isDirectory() || (s.isFile() && entry.endsWith('.json'))) walk(child, false);
      }
      return;
    }
    const name = basename(path);
    if (name.endsWith('.json')) return add({ kind: 'case', path });
    if (name === INPUT || name === EXPECTED || name === ARGS) return add({ kind: 'transcript', path: dirname(path) });
    if (explicit) throw new Error(`${path}: not a fixture (a transcript directory, one of its files, or a *.json harness case)`);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`${p}: no such file or directory`);
    walk(resolve(p), true);
  }
  return [...found.values()];
}
