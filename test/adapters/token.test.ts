import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenFileError, loadToken, readTokenFile, tokenOf } from '../../src/adapters/token.js';

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

describe('loadToken', () => {
  it('reads the file once: the token made from it matches its secret', async () => {
    const f = join(dir, 'loaded');
    writeFileSync(f, 's3cret\n');
    const token = await loadToken(f);
    writeFileSync(f, 'changed\n');
    expect([token.matches('s3cret'), token.matches('changed')]).toEqual([true, false]);
    await expect(loadToken(join(dir, 'missing'))).rejects.toThrow(TokenFileError);
  });
});

describe('Token.matches', () => {
  it('matches only the same secret, whatever the lengths', async () => {
    const token = await tokenOf('s3cret');
    expect(token.matches('s3cret')).toBe(true);
    expect(token.matches('s3cre')).toBe(false);
    expect(token.matches('s3cretx')).toBe(false);
    expect(token.matches('')).toBe(false);
    expect((await tokenOf('é')).matches('e\u0301')).toBe(false);
  });
});

describe('Token.gate', () => {
  it('opens on the secret and closes again on a wrong one', async () => {
    const gate = (await tokenOf('s3cret')).gate();
    expect(gate.open).toBe(false);
    expect(gate.admit('guess')).toBe(false);
    expect(gate.admit('s3cret')).toBe(true);
    expect(gate.open).toBe(true);
    expect(gate.admit('guess')).toBe(false);
    expect(gate.open).toBe(false);
  });
});
