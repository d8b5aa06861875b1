import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UNREAD_BYTES, FlagError, parseFlags } from '../../src/cli/flags.js';

function service(argv: string[]) {
  const c = parseFlags(argv);
  if (c.kind !== 'run') throw new Error(`expected a run, got ${c.kind}`);
  return c.service;
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

describe('parseFlags: running as a service', () => {
  it('has no service without --listen', () => {
    expect(service([])).toBeUndefined();
  });

  it('reads --listen HOST:PORT, an IPv6 host in brackets, with the documented defaults', () => {
    expect(service(['--listen', '127.0.0.1:7070'])).toEqual({
      host: '127.0.0.1',
      port: 7070,
      tokenFile: undefined,
      releaseOnDisconnect: false,
      maxUnreadBytes: DEFAULT_MAX_UNREAD_BYTES,
      maxConnections: DEFAULT_MAX_CONNECTIONS,
    });
    expect(service(['--listen=[::1]:0'])).toMatchObject({ host: '::1', port: 0 });
    expect([DEFAULT_MAX_UNREAD_BYTES, DEFAULT_MAX_CONNECTIONS]).toEqual([1024 * 1024, 1024]);
  });

  it('reads the flags that go with --listen', () => {
    const argv = ['--token-file', 'secret', '--release-on-disconnect', '--max-unread-bytes', '65536', '--max-connections', '8', '--listen', '0.0.0.0:7070'];
    expect(service(argv)).toEqual({ host: '0.0.0.0', port: 7070, tokenFile: 'secret', releaseOnDisconnect: true, maxUnreadBytes: 65536, maxConnections: 8 });
  });

  it('never guesses where to listen: the host is required', () => {
    expect(flagError(['--listen', '7070'])).toBe('--listen: expected HOST:PORT such as 127.0.0.1:7070, got "7070"');
    expect(flagError(['--listen', ':7070'])).toBe('--listen: expected HOST:PORT such as 127.0.0.1:7070, got ":7070"');
    expect(flagError(['--listen', 'localhost:70000'])).toBe('--listen port must be at most 65535, got 70000');
  });

  it('refuses the service flags without --listen', () => {
    expect(flagError(['--token-file', 'f'])).toBe('--token-file needs --listen HOST:PORT');
    expect(flagError(['--release-on-disconnect'])).toBe('--release-on-disconnect needs --listen HOST:PORT');
    expect(flagError(['--max-unread-bytes', '65536'])).toBe('--max-unread-bytes needs --listen HOST:PORT');
    expect(flagError(['--listen', '127.0.0.1:1', '--max-unread-bytes', '10'])).toBe('--max-unread-bytes must be an integer >= 1024, got "10"');
  });
});
