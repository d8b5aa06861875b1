import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Runs every transcript in fixtures/golden through the built binary with --deterministic
// plus the fixture's `args`, and compares stdout with expected.jsonl exactly.

const root = new URL('../../', import.meta.url).pathname;
const dir = `${root}fixtures/golden`;
const names = existsSync(dir) ? readdirSync(dir).sort() : [];

describe('golden transcripts', () => {
  it.each(names)('%s', (name) => {
    const at = `${dir}/${name}`;
    const args = existsSync(`${at}/args`) ? readFileSync(`${at}/args`, 'utf8').trim().split(/\s+/).filter((a) => a !== '') : [];
    expect(existsSync(`${at}/expected.jsonl`), 'every transcript has expected output').toBe(true);
    const r = spawnSync(process.execPath, [`${root}bin/resource-node`, '--deterministic', ...args], { input: readFileSync(`${at}/input.jsonl`), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\r\n/g, '\n')).toBe(readFileSync(`${at}/expected.jsonl`, 'utf8').replace(/\r\n/g, '\n'));
  });
});
