import { describe, expect, it } from 'vitest';
import { discover } from '../../src/golden/discover.js';
import { label, runFixture } from '../../src/golden/suite.js';
import { ourNode, root } from './helpers.js';

// Every fixture in the library, run against the built node: a regression fails here.
const transcripts = discover([`${root}fixtures/golden`]);
const cases = discover([`${root}fixtures/harness`]);

describe('the fixture library', () => {
  it('has transcripts and at least 25 harness cases', () => {
    expect(transcripts.every((f) => f.kind === 'transcript')).toBe(true);
    expect(transcripts.length).toBeGreaterThanOrEqual(20);
    expect(cases.every((f) => f.kind === 'case')).toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});

describe.each([
  ['golden transcripts', transcripts],
  ['harness cases', cases],
])('%s pass against resource-node', (_, fixtures) => {
  // Each fixture starts its own node; several run at once (vitest's maxConcurrency) while others wait on pipes.
  it.concurrent.for(fixtures.map((f) => [label(f), f] as const))('%s', async ([, f], { expect }) => {
    const { outcome } = await runFixture(f, ourNode);
    expect(outcome.result === 'fail' ? outcome.details.join('\n') : 'pass').toBe('pass');
  });
});
