import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenFileError, readTokenFile, tokenGate, tokenMatches } from '../../src/adapters/token.js';

const dir = mkdtempSync(join(tmpdir(), 'token-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTokenFile', () => {
  it('reads the secret without the whitespace around it', () => {
    const f = join(dir, 'ok');
    writeFileSync(f, '  s3cret\r\n');
    expect(readTokenFile(f)).toBe('s3cret');
  });

  it('refuses an empty file and one it cannot read', () => {
    const f = join(dir, 'empty');
    writeFileSync(f, '\n\n');
    expect(() => readTokenFile(f)).toThrow(new TokenFileError(`--token-file ${f}: the file is empty; put the shared secret in it`));
    expect(() => readTokenFile(join(dir, 'missing'))).toThrow(/cannot read it \(ENOENT\)/);
  });
});

describe('tokenMatches', () => {
  it('matches only the same secret, whatever the lengths', () => {
    expect(tokenMatches('s3cret', 's3cret')).toBe(true);
    expect(tokenMatches('s3cret', 's3cre')).toBe(false);
    expect(tokenMatches('s3cret', 's3cretx')).toBe(false);
    expect(tokenMatches('s3cret', '')).toBe(false);
    expect(tokenMatches('é', 'e\u0301')).toBe(false);
  });
});

describe('tokenGate', () => {
  it('opens on the secret and closes again on a wrong one', () => {
    const gate = tokenGate('s3cret');
    expect(gate.open).toBe(false);
    expect(gate.admit('guess')).toBe(false);
    expect(gate.admit('s3cret')).toBe(true);
    expect(gate.open).toBe(true);
    expect(gate.admit('guess')).toBe(false);
    expect(gate.open).toBe(false);
  });
});
