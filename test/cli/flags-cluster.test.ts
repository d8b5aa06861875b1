import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from '../../src/cli/flags.js';

function cluster(argv: string[]) {
  const c = parseFlags(argv);
  if (c.kind !== 'run') throw new Error(`expected a run, got ${c.kind}`);
  return c.service?.cluster;
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

const listen = ['--listen', '127.0.0.1:0'];

describe('parseFlags: a cluster on etcd', () => {
  it('has no cluster without --etcd', () => {
    expect(cluster(listen)).toBeUndefined();
  });

  it('reads --etcd URLs, --cluster and --advertise, with the default cluster name', () => {
    expect(cluster([...listen, '--etcd', 'http://127.0.0.1:2379'])).toEqual({ endpoints: ['http://127.0.0.1:2379'], name: 'default', advertise: undefined });
    expect(cluster([...listen, '--etcd=http://a:2379, https://b:2379', '--cluster', 'prod-1', '--advertise', '[::1]:7070'])).toEqual({
      endpoints: ['http://a:2379', 'https://b:2379'],
      name: 'prod-1',
      advertise: '[::1]:7070',
    });
  });

  it('says what is missing or wrong', () => {
    expect(flagError(['--etcd', 'http://127.0.0.1:2379'])).toBe('--etcd needs --listen HOST:PORT: the other nodes of the cluster reach the leader there');
    expect(flagError([...listen, '--cluster', 'x'])).toBe('--cluster needs --etcd URL');
    expect(flagError([...listen, '--advertise', '10.0.0.1:7070'])).toBe('--advertise needs --etcd URL');
    expect(flagError([...listen, '--etcd', '127.0.0.1:2379'])).toBe('--etcd: expected etcd client URLs such as http://127.0.0.1:2379, got "127.0.0.1:2379"');
    expect(flagError([...listen, '--etcd', 'http://a:1,'])).toMatch(/^--etcd: expected etcd client URLs/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--cluster', 'a/b'])).toMatch(/^--cluster: a name of 1 to 64 letters/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--advertise', '10.0.0.1:0'])).toBe('--advertise needs the port other nodes dial, not 0');
    expect(flagError([...listen, '--etcd', 'http://a:1', '--advertise', 'nohost'])).toMatch(/^--advertise: expected HOST:PORT/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--deterministic'])).toMatch(/^--etcd and --deterministic cannot go together/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--release-on-disconnect'])).toMatch(/^--etcd and --release-on-disconnect cannot go together/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--http', '127.0.0.1:0'])).toMatch(/^--etcd and --http cannot go together yet/);
    expect(flagError([...listen, '--etcd', 'http://a:1', '--state-dir', 'd'])).toMatch(/^--etcd and --state-dir cannot go together/);
  });
});
