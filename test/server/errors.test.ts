import { describe, expect, it } from 'vitest';
import { TestNode, allocate, release } from './helpers.js';

function errorLine(dest: string, inReplyTo: number, code: number, text: string): string {
  return JSON.stringify({ src: 'n1', dest, body: { type: 'error', in_reply_to: inReplyTo, code, text } });
}

/** Sends `body` (msg_id 1) to a fresh node and returns its one reply line. */
function reply(body: Record<string, unknown>, node = new TestNode()): string {
  const out = node.send('c1', { msg_id: 1, ...body });
  expect(out).toHaveLength(1);
  return out[0]!;
}

describe('code 10: unknown message type', () => {
  it.each(['nope', 'status_please', '__proto__', 'constructor', 'toString'])('%s', (type) => {
    expect(reply({ type })).toBe(errorLine('c1', 1, 10, `unknown message type ${JSON.stringify(type)}`));
  });

  it.each([
    ['Allocate', 'allocate'],
    ['ALLOCATE', 'allocate'],
    ['alocate', 'allocate'],
    ['submit-job', 'submit_job'],
    ['submitjob', 'submit_job'],
    ['relase', 'release'],
    ['Status', 'status'],
  ])('%s suggests %s', (type, known) => {
    expect(reply({ type })).toBe(errorLine('c1', 1, 10, `unknown message type ${JSON.stringify(type)} (did you mean ${JSON.stringify(known)}?)`));
  });

  it.each(['teleport', 'free', 'get'])('%s is too far from every known type to suggest one', (type) => {
    expect(reply({ type })).toBe(errorLine('c1', 1, 10, `unknown message type ${JSON.stringify(type)}`));
  });
});

describe('code 12: malformed requests, the text naming the field', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing type', {}, 'type is required'],
    ['type not a string', { type: 7 }, 'type must be a string'],
    ['missing requirements', { type: 'allocate' }, 'requirements is required'],
    ['empty requirements', { type: 'allocate', requirements: [] }, 'requirements must not be empty'],
    ['requirements not an array', { type: 'allocate', requirements: { cpu: 1 } }, 'requirements must be an array'],
    ['requirement not an object', { type: 'allocate', requirements: [5] }, 'requirements[0] must be an object'],
    ['requirement without type', { type: 'allocate', requirements: [{ amount: 1 }] }, 'requirements[0].type is required'],
    ['requirement without amount', { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }, { type: 'gpu' }] }, 'requirements[1].amount is required'],
    ['empty type name', { type: 'allocate', requirements: [{ type: '', amount: 1 }] }, 'requirements[0].type must not be empty'],
    ['type name not a string', { type: 'allocate', requirements: [{ type: 3, amount: 1 }] }, 'requirements[0].type must be a string'],
    [
      'duplicate types',
      { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }, { type: 'gpu', amount: 1 }, { type: 'cpu', amount: 2 }] },
      'requirements[2].type "cpu" appears twice in one request',
    ],
    [
      'unknown type, listing the known ones',
      { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }, { type: 'tpu', amount: 1 }] },
      'requirements[1].type "tpu" is not a known resource type (known: "cpu", "memory", "gpu")',
    ],
    ['amount zero', { type: 'allocate', requirements: [{ type: 'cpu', amount: 0 }] }, 'requirements[0].amount must be a positive number'],
    ['amount negative', { type: 'allocate', requirements: [{ type: 'cpu', amount: -2 }] }, 'requirements[0].amount must be a positive number'],
    ['amount a string', { type: 'allocate', requirements: [{ type: 'cpu', amount: '2' }] }, 'requirements[0].amount must be a number'],
    ['amount "NaN"', { type: 'allocate', requirements: [{ type: 'cpu', amount: 'NaN' }] }, 'requirements[0].amount must be a number'],
    ['amount null', { type: 'allocate', requirements: [{ type: 'cpu', amount: null }] }, 'requirements[0].amount must be a number'],
    ['amount with 4 decimals', { type: 'allocate', requirements: [{ type: 'cpu', amount: 1.0005 }] }, 'requirements[0].amount must have at most 3 decimal places'],
    ['amount with 10 decimals', { type: 'allocate', requirements: [{ type: 'cpu', amount: 0.0010000001 }] }, 'requirements[0].amount must have at most 3 decimal places'],
    ['amount above 1e12', { type: 'allocate', requirements: [{ type: 'cpu', amount: 1e12 + 1 }] }, 'requirements[0].amount must be at most 1000000000000'],
    ['priority not an integer', { type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }], priority: 'high' }, 'priority must be an integer'],
    ['new category without a limit', { type: 'submit_job', category: 'fresh' }, 'concurrency_limit is required for the new category "fresh"'],
    ['missing category', { type: 'submit_job', concurrency_limit: 1 }, 'category is required'],
    ['category not a string', { type: 'submit_job', category: 5, concurrency_limit: 1 }, 'category must be a string'],
    ['empty category', { type: 'submit_job', category: '', concurrency_limit: 1 }, 'category must not be empty'],
    ['limit zero', { type: 'submit_job', category: 'a', concurrency_limit: 0 }, 'concurrency_limit must be at least 1'],
    ['limit fractional', { type: 'submit_job', category: 'a', concurrency_limit: 1.5 }, 'concurrency_limit must be an integer'],
    ['jobs a string', { type: 'submit_job', category: 'a', concurrency_limit: 1, jobs: '3' }, 'jobs must be an integer'],
    ['jobs negative', { type: 'submit_job', category: 'a', concurrency_limit: 1, jobs: -1 }, 'jobs must be at least 0'],
    ['missing allocation_id', { type: 'release' }, 'allocation_id is required'],
    ['allocation_id a number', { type: 'release', allocation_id: 5 }, 'allocation_id must be a string'],
    ['job_status a number', { type: 'release', allocation_id: 'alloc-1', job_status: 3 }, 'job_status must be a string'],
    ['init without node_id', { type: 'init' }, 'node_id is required'],
    ['init node_ids not an array', { type: 'init', node_id: 'n1', node_ids: 'n1' }, 'node_ids must be an array'],
  ];
  it.each(cases)('%s', (_name, body, text) => {
    expect(reply(body)).toBe(errorLine('c1', 1, 12, text));
  });

  it('an amount that JSON reads as Infinity (1e999) is refused', () => {
    const n = new TestNode();
    const out = n.line('{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"cpu","amount":1e999}]}}');
    expect(out).toEqual([errorLine('c1', 1, 12, 'requirements[0].amount must be a number')]);
  });

  it('a refused allocate changes nothing', () => {
    const n = new TestNode();
    reply({ type: 'allocate', requirements: [{ type: 'cpu', amount: 8 }, { type: 'cpu', amount: 1 }] }, n);
    reply({ type: 'allocate', requirements: [{ type: 'cpu', amount: 8 }, { type: 'tpu', amount: 1 }] }, n);
    expect(n.one('c1', allocate(2, { cpu: 8 }))).toMatchObject({ type: 'allocated', allocation_id: 'alloc-1' });
  });

  it('a body whose msg_id is not a usable integer gets no reply, only a stderr line', () => {
    const n = new TestNode();
    const bad = ['"1"', '1.5', 'null', 'true', '[1]'];
    const unsafe = ['1e20', '1e300', '9007199254740992', '-9007199254740993'];
    for (const id of [...bad, ...unsafe]) expect(n.line(`{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":${id}}}`)).toEqual([]);
    expect(n.line('{"src":"c1","dest":"n1","body":{"type":"allocate"}}')).toEqual([]);
    expect(n.log).toEqual([
      ...bad.map((_, i) => `line ${i + 1}: body "msg_id" must be an integer; skipped`),
      ...unsafe.map((_, i) => `line ${bad.length + i + 1}: body "msg_id" must be a safe integer (from -9007199254740991 to 9007199254740991); skipped`),
      'line 10: body has no "msg_id", so no reply can be addressed; skipped',
    ]);
    // Negative and zero msg_ids are integers: answered as usual.
    expect(n.one('c1', allocate(0, { cpu: 1 }))).toMatchObject({ type: 'allocated', in_reply_to: 0 });
    expect(n.one('c1', allocate(-5, { cpu: 1 }))).toMatchObject({ type: 'allocated', in_reply_to: -5 });
  });

  it('pretty-printed JSON pasted over several lines gets, once, the hint that a message is one line', () => {
    const n = new TestNode();
    const pasted = ['{', '  "src": "c1",', '  "dest": "n1",', '  "body": {"type": "status", "msg_id": 1}', '}'];
    for (const l of [...pasted, ...pasted]) expect(n.line(l)).toEqual([]);
    const hints = n.log.filter((l) => l.includes('one whole JSON object on one line'));
    expect(hints).toEqual(['line 1 looks like part of a message written over several lines: each message must be one whole JSON object on one line (print it compactly, e.g. with jq -c)']);
    expect(n.log).toHaveLength(11);
    expect(n.log[1]).toBe(hints[0]);
  });

  it('a line that is simply not JSON gets no such hint', () => {
    const n = new TestNode();
    for (const l of ['nonsense', 'allocate cpu 2', '{"src":"c1" "dest":"n1"}']) n.line(l);
    expect(n.log.filter((l) => l.includes('one line'))).toEqual([]);
  });

  it('junk lines get no reply, a numbered stderr line, and the node carries on', () => {
    const n = new TestNode();
    const junk = ['nonsense', '[1,2]', '"text"', '{"src":5,"dest":"n1","body":{"msg_id":1}}', '{"src":"c1","body":{"msg_id":1}}', '{"src":"c1","dest":"n1","body":[]}'];
    for (const l of junk) expect(n.line(l)).toEqual([]);
    expect(n.line('')).toEqual([]);
    expect(n.line('   ')).toEqual([]);
    expect(n.log).toHaveLength(junk.length);
    expect(n.log[0]).toMatch(/^line 1: not JSON \(.*\); skipped$/);
    expect(n.log.slice(1)).toEqual([
      'line 2: not a JSON object; skipped',
      'line 3: not a JSON object; skipped',
      'line 4: envelope "src" must be a string; skipped',
      'line 5: envelope "dest" must be a string; skipped',
      'line 6: envelope "body" must be an object; skipped',
    ]);
    expect(n.one('c1', allocate(1, { cpu: 1 }))).toMatchObject({ type: 'allocated' });
  });

  it('control characters from input reach stderr escaped, never raw', () => {
    const n = new TestNode();
    expect(n.line('\u001b[2J\rforged line\u2028')).toEqual([]);
    expect(n.line('{"src":"c1","dest":"n1","body":{"msg_id":"\u001b[31m"}}')).toEqual([]);
    expect(n.log).toHaveLength(2);
    for (const l of n.log) expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(n.log[0]).toContain('\\x1b[2J\\x0dforged line');
  });

  it('one rule for every integer field: a safe integer, or code 12', () => {
    const n = new TestNode();
    expect(n.one('c1', { type: 'cancel', msg_id: 1, request_msg_id: 2 ** 53 + 1 })).toEqual({
      type: 'error',
      in_reply_to: 1,
      code: 12,
      text: 'request_msg_id must be a safe integer (from -9007199254740991 to 9007199254740991)',
    });
    expect(n.one('c1', { type: 'cancel', msg_id: 2, request_msg_id: -(2 ** 53) - 2 })).toMatchObject({ code: 12 });
    expect(n.one('c1', { type: 'cancel', msg_id: 3, request_msg_id: 2 ** 53 - 1 })).toMatchObject({ code: 20 });
  });

  it('names are bounded: long src or dest gets no reply, long fields are 12, a long type is quoted short', () => {
    const n = new TestNode();
    const long = 'x'.repeat(257);
    expect(n.send(long, allocate(1, { cpu: 1 }))).toEqual([]);
    expect(n.send('c1', allocate(2, { cpu: 1 }), long)).toEqual([]);
    expect(n.log).toEqual(['line 1: envelope "src" is 257 characters, more than 256; skipped', 'line 2: envelope "dest" is 257 characters, more than 256; skipped']);
    expect(n.one('x'.repeat(256), allocate(3, { cpu: 1 }))).toMatchObject({ type: 'allocated' });
    expect(n.one('c1', allocate(4, { [long]: 1 }))).toMatchObject({ code: 12, text: 'requirements[0].type must be at most 256 characters' });
    expect(n.one('c1', release(5, long))).toMatchObject({ code: 12, text: 'allocation_id must be at most 256 characters' });
    expect(n.one('c1', { type: 'renew', msg_id: 6, allocation_id: long })).toMatchObject({ code: 12 });
    expect(n.one('c1', { type: 'init', msg_id: 7, node_id: long, node_ids: [] })).toMatchObject({ code: 12 });
    expect(n.one('c1', { type: 'init', msg_id: 8, node_id: 'n1', node_ids: Array.from({ length: 1025 }, () => 'n') })).toMatchObject({ code: 12 });
    const type = 'q'.repeat(100_000);
    expect(n.one('c1', { type, msg_id: 9 })).toMatchObject({ code: 10, text: `unknown message type "${'q'.repeat(64)}"... (100000 characters)` });
  });

  it('an unknown type lists at most 20 known types and how many more there are', () => {
    const n = new TestNode({ capacity: Array.from({ length: 25 }, (_, i) => [`t${i}`, 1] as const) });
    const r = n.one('c1', allocate(1, { nope: 1 }));
    const first20 = Array.from({ length: 20 }, (_, i) => `"t${i}"`).join(', ');
    expect(r).toMatchObject({ code: 12, text: `requirements[0].type "nope" is not a known resource type (known: ${first20} and 5 more)` });
  });
});

describe('code 11: queue full', () => {
  it('refuses a request that would wait past --max-queue, dropping nothing already waiting', () => {
    const n = new TestNode({ maxQueue: 2 });
    n.send('c1', allocate(1, { gpu: 2 }));
    n.send('c2', allocate(2, { gpu: 1 }));
    n.send('c3', allocate(3, { gpu: 2 }));
    expect(n.send('c4', allocate(4, { gpu: 1 }))).toEqual([errorLine('c4', 4, 11, 'queue is full: 2 requests waiting, limit 2')]);
    // A request that fits at once needs no room in the queue.
    expect(n.one('c5', allocate(5, { cpu: 1 }))).toMatchObject({ type: 'allocated' });
    expect(n.call('c1', release(6, 'alloc-1')).map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['c1', 'released', 6],
      ['c2', 'allocated', 2],
    ]);
    // c3 still waits, and there is room for one more.
    expect(n.one('c4', allocate(7, { gpu: 2 }))).toMatchObject({ type: 'queued', available: { gpu: 1 } });
    expect(n.one('c6', allocate(8, { gpu: 2 }))).toMatchObject({ type: 'error', code: 11 });
  });

  it('refuses jobs that would wait past --max-queue', () => {
    const n = new TestNode({ maxQueue: 3 });
    n.send('c1', { type: 'submit_job', msg_id: 1, category: 'heavy', concurrency_limit: 1, jobs: 4 });
    expect(n.send('c1', { type: 'submit_job', msg_id: 2, category: 'light', concurrency_limit: 1, jobs: 2 })).toEqual([
      errorLine('c1', 2, 11, 'job queue is full: 3 jobs waiting, limit 3'),
    ]);
    expect(n.one('c1', { type: 'submit_job', msg_id: 3, category: 'light', concurrency_limit: 1, jobs: 1 })).toEqual({
      type: 'jobs_submitted',
      in_reply_to: 3,
      queued: 0,
      running: 1,
      waiting: 0,
    });
  });
});

describe('code 13: a bug in the node', () => {
  it('answers 13, logs the stack, and keeps answering', () => {
    const n = new TestNode();
    const manager = n.node.manager;
    const original = manager.allocate;
    manager.allocate = () => {
      throw new TypeError('requirements.map is not a function');
    };
    expect(n.send('c1', allocate(1, { cpu: 1 }))).toEqual([errorLine('c1', 1, 13, `internal error handling "allocate"; see the node's stderr`)]);
    expect(n.log).toHaveLength(1);
    expect(n.log[0]).toMatch(/^line 1: crash handling "allocate": TypeError: requirements\.map is not a function\n\s+at /);
    // Everything else still works, and so does allocate once the bug is gone.
    expect(n.one('c1', { type: 'submit_job', msg_id: 2, category: 'a', concurrency_limit: 1 })).toMatchObject({ type: 'jobs_submitted' });
    expect(n.one('c1', release(3, 'alloc-9'))).toMatchObject({ type: 'error', code: 20 });
    manager.allocate = original;
    expect(n.one('c1', allocate(4, { cpu: 1 }))).toMatchObject({ type: 'allocated', allocation_id: 'alloc-1' });
  });

  it('a reply that cannot be written is answered 13 all the same', () => {
    const n = new TestNode();
    const manager = n.node.manager;
    const original = manager.submitJobs.bind(manager);
    manager.submitJobs = (...args) => ({ ...original(...args), running: 10n as unknown as number });
    expect(n.send('c1', { type: 'submit_job', msg_id: 1, category: 'a', concurrency_limit: 1 })).toEqual([
      errorLine('c1', 1, 13, "internal error writing the reply; see the node's stderr"),
    ]);
    expect(n.log).toEqual([expect.stringMatching(/^line 1: crash writing the reply "jobs_submitted": /)]);
  });

  it('a thrown non-Error is a crash too', () => {
    const n = new TestNode();
    n.node.manager.release = () => {
      throw 'a string';
    };
    expect(n.one('c1', release(1, 'x'))).toEqual({ type: 'error', in_reply_to: 1, code: 13, text: `internal error handling "release"; see the node's stderr` });
    expect(n.log).toEqual(['line 1: crash handling "release": a string']);
  });
});

describe('code 20: unknown allocation', () => {
  it('release of an id the node never issued', () => {
    const n = new TestNode();
    expect(reply({ type: 'release', allocation_id: 'alloc-1' }, n)).toBe(errorLine('c1', 1, 20, 'no allocation "alloc-1"'));
    expect(reply({ type: 'release', allocation_id: '__proto__' }, n)).toBe(errorLine('c1', 1, 20, 'no allocation "__proto__"'));
  });
});

describe('tick past the largest exact clock', () => {
  it('is code 22 and leaves the clock where it was', () => {
    const n = new TestNode();
    (n.node.dispatcher.node.virtualClock as { now: number }).now = Number.MAX_SAFE_INTEGER - 5;
    expect(n.one('c1', { type: 'tick', msg_id: 1, ms: 5 })).toEqual({ type: 'tick_ok', in_reply_to: 1, now_ms: Number.MAX_SAFE_INTEGER });
    expect(n.one('c1', { type: 'tick', msg_id: 2, ms: 1 })).toMatchObject({ type: 'error', code: 22 });
    expect(n.one('c1', { type: 'tick', msg_id: 3, ms: 0 })).toMatchObject({ type: 'tick_ok', now_ms: Number.MAX_SAFE_INTEGER });
  });
});
