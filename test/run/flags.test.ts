import { describe, expect, it } from 'vitest';
import { RunFlagError, parseAddress, parseRunFlags } from '../../src/run/flags.js';

describe('resource-run flags', () => {
  it('keeps its own flags and passes the rest to its node', () => {
    const f = parseRunFlags(['--capacity', 'cpu=4', '--deterministic', 'jobs.jsonl', '--pool=robot=r1,r2', '--grace-ms', '100', '--job', '{}', '-']);
    expect(f).toMatchObject({ files: ['jobs.jsonl', '-'], jobArgs: ['{}'], nodeFlags: ['--capacity', 'cpu=4', '--deterministic', '--pool=robot=r1,r2'], graceMs: 100, dryRun: false });
  });

  it('refuses node flags with --connect, a bad node flag, and flags that need --connect', () => {
    expect(() => parseRunFlags(['--connect', ':7000', '--capacity', 'cpu=1'])).toThrow('--capacity is a flag for our own node; with --connect the node is already running');
    expect(() => parseRunFlags(['--policy', 'lifo'])).toThrow(RunFlagError);
    expect(() => parseRunFlags(['--client', 'me'])).toThrow('--client names clients on a shared node: it needs --connect');
    expect(() => parseRunFlags(['--grace-ms', '-1'])).toThrow('--grace-ms must be a whole number of milliseconds, got "-1"');
    expect(() => parseRunFlags(['-x'])).toThrow('unknown flag "-x"');
  });

  it('reads HOST:PORT', () => {
    expect(parseAddress('127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(parseAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseAddress(':9')).toEqual({ host: '127.0.0.1', port: 9 });
    expect(() => parseAddress('host')).toThrow('--connect needs HOST:PORT');
    expect(() => parseAddress('h:70000')).toThrow(RunFlagError);
  });
});
