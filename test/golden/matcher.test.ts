import { describe, expect, it } from 'vitest';
import { parseCase } from '../../src/golden/case.js';
import { lineDiff } from '../../src/golden/diff.js';
import { matchPattern, resolvePointer } from '../../src/golden/pattern.js';
import { substitute } from '../../src/golden/variables.js';

describe('body patterns', () => {
  it('treat every string as a regular expression that must match the whole value', () => {
    expect(matchPattern('.*', 'a0e1c2d3-anything')).toBeUndefined();
    expect(matchPattern('alloc-[0-9]+', 'alloc-12')).toBeUndefined();
    expect(matchPattern('alloc', 'alloc-12')).toMatchObject({ path: '', actual: '"alloc-12"' });
    expect(matchPattern('12', 'alloc-12')).toBeDefined();
    expect(matchPattern('a|b', 'ab')).toBeDefined();
    expect(matchPattern('Insufficient resources', 'Insufficient resources')).toBeUndefined();
  });

  it('accept only strings for string patterns, and equal values for numbers, booleans and null', () => {
    expect(matchPattern('.*', 2)).toBeDefined();
    expect(matchPattern(2, 2)).toBeUndefined();
    expect(matchPattern(2, 2.5)).toMatchObject({ expected: '2', actual: '2.5' });
    expect(matchPattern(2, '2')).toBeDefined();
    expect(matchPattern(true, true)).toBeUndefined();
    expect(matchPattern(true, 1)).toBeDefined();
    expect(matchPattern(null, null)).toBeUndefined();
    expect(matchPattern(null, 0)).toBeDefined();
  });

  it('require exactly the same keys, naming the missing or extra one', () => {
    const pattern = { type: 'allocated', in_reply_to: 1 };
    expect(matchPattern(pattern, { type: 'allocated', in_reply_to: 1 })).toBeUndefined();
    expect(matchPattern(pattern, { type: 'allocated' })).toEqual({ path: '/in_reply_to', expected: '1', actual: '(missing)' });
    expect(matchPattern(pattern, { type: 'allocated', in_reply_to: 1, extra: 'x' })).toEqual({ path: '/extra', expected: '(no such key)', actual: '"x"' });
  });

  it('report a wrong value of a shared key before key-set differences', () => {
    const m = matchPattern({ type: 'allocated', allocation_id: '.*' }, { type: 'error', code: 12 });
    expect(m).toEqual({ path: '/type', expected: 'a string matching /allocated/', actual: '"error"' });
  });

  it('compare nested objects and arrays recursively with JSON-pointer paths', () => {
    const pattern = { resources: { cpu: 2, memory: 4 }, started: ['heavy#[0-9]+', 'heavy#2'] };
    expect(matchPattern(pattern, { resources: { cpu: 2, memory: 4 }, started: ['heavy#1', 'heavy#2'] })).toBeUndefined();
    expect(matchPattern(pattern, { resources: { cpu: 2, memory: 5 }, started: ['heavy#1', 'heavy#2'] })).toMatchObject({ path: '/resources/memory' });
    expect(matchPattern(pattern, { resources: { cpu: 2 }, started: ['heavy#1', 'heavy#2'] })).toMatchObject({ path: '/resources/memory', actual: '(missing)' });
    expect(matchPattern(pattern, { resources: { cpu: 2, memory: 4 }, started: ['heavy#1'] })).toMatchObject({ path: '/started' });
    expect(matchPattern(pattern, { resources: { cpu: 2, memory: 4 }, started: ['heavy#1', 'heavy#3'] })).toMatchObject({ path: '/started/1' });
    expect(matchPattern({ a: [] }, { a: {} })).toMatchObject({ path: '/a' });
    expect(matchPattern({ a: {} }, { a: [] })).toMatchObject({ path: '/a' });
  });

  it('escape ~ and / in key names of paths', () => {
    expect(matchPattern({ 'a/b': 1 }, { 'a/b': 2 })).toMatchObject({ path: '/a~1b' });
    expect(resolvePointer({ 'a/b': { '~c': 5 } }, '/a~1b/~0c')).toBe(5);
    expect(resolvePointer([{ x: 1 }], '/0/x')).toBe(1);
    expect(resolvePointer({ x: 1 }, '/y')).toBeUndefined();
    expect(resolvePointer({}, '/__proto__')).toBeUndefined();
  });
});

describe('captures', () => {
  const vars = new Map<string, unknown>([
    ['a', 'alloc-1'],
    ['id', '0190f1c2-7b3a.x+y'],
    ['n', 7],
  ]);

  it('substitute captured values into sends, keeping a lone placeholder\'s type', () => {
    expect(substitute({ allocation_id: '{{a}}', msg_id: '{{n}}', text: 'id {{a}} #{{n}}' }, vars, 'send')).toEqual({
      allocation_id: 'alloc-1',
      msg_id: 7,
      text: 'id alloc-1 #7',
    });
  });

  it('substitute escaped text into patterns, so an id matches only itself', () => {
    const pattern = substitute({ allocation_id: '{{id}}' }, vars, 'pattern');
    expect(matchPattern(pattern, { allocation_id: '0190f1c2-7b3a.x+y' })).toBeUndefined();
    expect(matchPattern(pattern, { allocation_id: '0190f1c2-7b3aZxxy' })).toBeDefined();
    expect(substitute({ n: '{{n}}' }, vars, 'pattern')).toEqual({ n: 7 });
  });

  it('refuse a placeholder that nothing captured', () => {
    expect(() => substitute('{{nope}}', vars, 'send')).toThrow(/before any step captured it/);
  });
});

describe('case files', () => {
  const send = { src: 'c1', dest: 'n1', body: { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }] } };
  const granted = { type: 'allocated', in_reply_to: 1, allocation_id: '.*', resources: { gpu: 1 } };

  it('read the harness format with defaults', () => {
    const c = parseCase({ steps: [{ send, expect: [granted], capture: { a: '/0/allocation_id' } }] }, 'from-file');
    expect(c.name).toBe('from-file');
    expect(c.timeoutMs).toBe(5000);
    expect(c.args).toEqual([]);
    expect(c.steps[0]!.expect[0]).toEqual({ body: granted });
    expect([...c.steps[0]!.capture]).toEqual([['a', '/0/allocation_id']]);
  });

  it('tell envelope patterns from body patterns', () => {
    const c = parseCase({ steps: [{ send, expect: [{ dest: 'c2', body: granted }, granted] }] }, 'x');
    expect(c.steps[0]!.expect).toEqual([{ dest: 'c2', src: undefined, body: granted }, { body: granted }]);
  });

  it('reject mistakes before anything runs', () => {
    const bad = (value: unknown) => () => parseCase(value, 'x');
    expect(bad([])).toThrow(/JSON object/);
    expect(bad({ steps: [] })).toThrow(/steps/);
    expect(bad({ steps: [{ send, expect: [granted] }], timeout_ms: 0 })).toThrow(/timeout_ms/);
    expect(bad({ steps: [{ send, expect: [granted] }], args: '--policy fifo' })).toThrow(/args/);
    expect(bad({ steps: [{ send, expect: [granted] }], colour: 1 })).toThrow(/unknown case field "colour"/);
    expect(bad({ steps: [{ send, expect: granted }] })).toThrow(/step 1: "expect" must be an array/);
    expect(bad({ steps: [{ send, expect: [{ ...granted, allocation_id: '(' }] }] })).toThrow(/step 1: expect\[0\] body \/allocation_id: .* not a valid regular expression/);
    expect(bad({ steps: [{ send, expect: [granted], capture: { a: 'allocation_id' } }] })).toThrow(/pointer/);
    expect(bad({ steps: [{ send, expect: [granted], capture: { a: '/1/allocation_id' } }] })).toThrow(/reads reply 1, but the step expects 1/);
    const release = { src: 'c1', dest: 'n1', body: { type: 'release', msg_id: 2, allocation_id: '{{a}}' } };
    expect(bad({ steps: [{ send: release, expect: [] }] })).toThrow(/step 1: \{\{a\}\} is used before any step captured it/);
    expect(bad({ steps: [{ send: 'junk', expect: [granted] }] })).toThrow(/give a "dest" pattern/);
  });

  it('accept a placeholder in a pattern once an earlier step captured it', () => {
    const release = { src: 'c1', dest: 'n1', body: { type: 'release', msg_id: 2, allocation_id: '{{a}}' } };
    const c = parseCase(
      {
        steps: [
          { send, expect: [granted], capture: { a: '/0/allocation_id' } },
          { send: release, expect: [{ type: 'released', in_reply_to: 2, allocation_id: '{{a}}', resources_freed: { gpu: 1 } }] },
        ],
      },
      'x',
    );
    expect(c.steps).toHaveLength(2);
  });
});

describe('the transcript diff', () => {
  it('marks expected-only lines with - and actual-only lines with +, with context', () => {
    const expected = 'a\nb\nc\nd\ne\nf\n';
    const actual = 'a\nb\nC\nd\ne\nf\ng\n';
    expect(lineDiff(expected, actual)).toEqual(['@@ expected line 1, actual line 1 @@', '  a', '  b', '- c', '+ C', '  d', '  e', '  f', '+ g']);
  });

  it('notices a missing final newline', () => {
    expect(lineDiff('a\n', 'a')).toEqual(['@@ expected line 1, actual line 1 @@', '- a', '+ a  (no newline at end)']);
  });
});
