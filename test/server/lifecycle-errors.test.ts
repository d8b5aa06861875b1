import { describe, expect, it } from 'vitest';
import { Driver, req } from './lifecycle-support.js';

type Case = [string, Record<string, unknown>, string];

/** Every bad field of every lifecycle message is code 12, and the text names the field. */
const malformed: Case[] = [
  ['init without node_id', { type: 'init' }, 'node_id is required'],
  ['init with node_ids not an array', { type: 'init', node_id: 'n1', node_ids: 'n1' }, 'node_ids must be an array'],
  ['cancel without request_msg_id', { type: 'cancel' }, 'request_msg_id is required'],
  ['cancel with a string request_msg_id', { type: 'cancel', request_msg_id: '3' }, 'request_msg_id must be an integer'],
  ['cancel with a fractional request_msg_id', { type: 'cancel', request_msg_id: 1.5 }, 'request_msg_id must be an integer'],
  ['complete_job without category', { type: 'complete_job' }, 'category is required'],
  ['complete_job with an empty category', { type: 'complete_job', category: '' }, 'category must not be empty'],
  ['complete_job with a long category', { type: 'complete_job', category: 'x'.repeat(257) }, 'category must be at most 256 characters'],
  ['complete_job with a numeric job_id', { type: 'complete_job', category: 'c', job_id: 1 }, 'job_id must be a string'],
  ['complete_job with an empty job_id', { type: 'complete_job', category: 'c', job_id: '' }, 'job_id must not be empty'],
  ['set_capacity without resources', { type: 'set_capacity' }, 'resources is required'],
  ['set_capacity with resources as a list', { type: 'set_capacity', resources: [{ type: 'cpu', amount: 1 }] }, 'resources must be an object'],
  ['set_capacity with no types', { type: 'set_capacity', resources: {} }, 'resources must not be empty'],
  ['set_capacity with an empty name', { type: 'set_capacity', resources: { '': 1 } }, 'resources key "" must not be empty'],
  ['set_capacity with a long name', { type: 'set_capacity', resources: { ['t'.repeat(257)]: 1 } }, `resources key "${'t'.repeat(257)}" must be at most 256 characters`],
  ['set_capacity with a negative amount', { type: 'set_capacity', resources: { cpu: -1 } }, 'resources.cpu must be at least 0'],
  ['set_capacity with a string amount', { type: 'set_capacity', resources: { cpu: '4' } }, 'resources.cpu must be a number'],
  ['set_capacity with 4 decimals', { type: 'set_capacity', resources: { cpu: 0.0001 } }, 'resources.cpu must have at most 3 decimal places'],
  ['set_capacity a hair above 3 decimals', { type: 'set_capacity', resources: { cpu: 0.0010000000001 } }, 'resources.cpu must have at most 3 decimal places'],
  ['set_capacity above 1e12', { type: 'set_capacity', resources: { cpu: 1e13 } }, 'resources.cpu must be at most 1000000000000'],
  ['set_capacity with 65 types', { type: 'set_capacity', resources: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, 1])) }, 'resources must have at most 64 entries'],
  ['renew without allocation_id', { type: 'renew' }, 'allocation_id is required'],
  ['renew with an empty allocation_id', { type: 'renew', allocation_id: '' }, 'allocation_id must not be empty'],
  ['renew with lease_ms 0', { type: 'renew', allocation_id: 'a', lease_ms: 0 }, 'lease_ms must be at least 1'],
  ['renew with a fractional lease_ms', { type: 'renew', allocation_id: 'a', lease_ms: 1.5 }, 'lease_ms must be an integer'],
  ['renew with a huge lease_ms', { type: 'renew', allocation_id: 'a', lease_ms: 2 ** 31 }, 'lease_ms must be at most 2147483647'],
  ['tick without ms', { type: 'tick' }, 'ms is required'],
  ['tick with negative ms', { type: 'tick', ms: -1 }, 'ms must be at least 0'],
  ['tick with fractional ms', { type: 'tick', ms: 0.5 }, 'ms must be an integer'],
  ['tick with a huge ms', { type: 'tick', ms: 2 ** 31 }, 'ms must be at most 2147483647'],
  ['allocate with a fractional priority', { type: 'allocate', requirements: req({ cpu: 1 }), priority: 0.5 }, 'priority must be an integer'],
  ['allocate with a priority too high', { type: 'allocate', requirements: req({ cpu: 1 }), priority: 1e6 + 1 }, 'priority must be at most 1000000'],
  ['allocate with a priority too low', { type: 'allocate', requirements: req({ cpu: 1 }), priority: -1e6 - 1 }, 'priority must be at least -1000000'],
  ['allocate with timeout_ms 0', { type: 'allocate', requirements: req({ cpu: 1 }), timeout_ms: 0 }, 'timeout_ms must be at least 1'],
  ['allocate with a string timeout_ms', { type: 'allocate', requirements: req({ cpu: 1 }), timeout_ms: '5' }, 'timeout_ms must be an integer'],
  ['allocate with lease_ms 0', { type: 'allocate', requirements: req({ cpu: 1 }), lease_ms: 0 }, 'lease_ms must be at least 1'],
  ['allocate with a huge lease_ms', { type: 'allocate', requirements: req({ cpu: 1 }), lease_ms: 2 ** 31 }, 'lease_ms must be at most 2147483647'],
  ['allocate with an empty request_id', { type: 'allocate', requirements: req({ cpu: 1 }), request_id: '' }, 'request_id must not be empty'],
  ['allocate with a numeric request_id', { type: 'allocate', requirements: req({ cpu: 1 }), request_id: 7 }, 'request_id must be a string'],
  ['allocate with a long request_id', { type: 'allocate', requirements: req({ cpu: 1 }), request_id: 'k'.repeat(257) }, 'request_id must be at most 256 characters'],
];

describe('malformed lifecycle requests: code 12 naming the field, and nothing changes', () => {
  it.each(malformed)('%s', (_name, body, text) => {
    const d = new Driver();
    expect(d.error('c1', { ...body, msg_id: 9 }, 12)).toBe(text);
    expect(d.one('c1', { type: 'status', msg_id: 10 })).toMatchObject({ allocations: 0, queued: 0, capacity: { cpu: 8, memory: 16, gpu: 2 } });
  });
});

describe('tick without --deterministic', () => {
  it('is code 10, even with a bad body', () => {
    const d = new Driver({ deterministic: false }, () => 0);
    expect(d.error('c1', { type: 'tick', msg_id: 1, ms: 5 }, 10)).toBe('tick moves the virtual clock, which only --deterministic has');
    expect(d.error('c1', { type: 'tick', msg_id: 2, ms: -5 }, 10)).toBe('tick moves the virtual clock, which only --deterministic has');
  });
});

describe('cancel: state errors', () => {
  it('20 for a msg_id never sent, for another client\'s request, and once cancelled', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 3 }) });
    expect(d.error('c1', { type: 'cancel', msg_id: 2, request_msg_id: 99 }, 20)).toBe('no waiting request with msg_id 99 from "c1"');
    expect(d.error('c2', { type: 'cancel', msg_id: 3, request_msg_id: 1 }, 20)).toBe('no waiting request with msg_id 1 from "c2"');
    expect(d.one('c1', { type: 'cancel', msg_id: 4, request_msg_id: 1 }).type).toBe('cancelled');
    expect(d.error('c1', { type: 'cancel', msg_id: 5, request_msg_id: 1 }, 20)).toBe('no waiting request with msg_id 1 from "c1"');
  });

  it('22 while the request is granted and held; 20 once that allocation has ended', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 1 }) });
    expect(d.error('c1', { type: 'cancel', msg_id: 2, request_msg_id: 1 }, 22)).toBe('request 1 was already granted as "alloc-1": release it instead');
    d.send('c1', { type: 'release', msg_id: 3, allocation_id: 'alloc-1' });
    expect(d.error('c1', { type: 'cancel', msg_id: 4, request_msg_id: 1 }, 20)).toBe('no waiting request with msg_id 1 from "c1"');
  });

  it('20 for the msg_id of a request_id retry; the first msg_id cancels', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 3 }), request_id: 'k' });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 3 }), request_id: 'k' });
    expect(d.error('c1', { type: 'cancel', msg_id: 3, request_msg_id: 2 }, 20)).toBe('no waiting request with msg_id 2 from "c1"');
    expect(d.one('c1', { type: 'cancel', msg_id: 4, request_msg_id: 1 }).type).toBe('cancelled');
  });

  it('20 for a msg_id of a message that was not an allocate', () => {
    const d = new Driver();
    d.send('c1', { type: 'status', msg_id: 1 });
    expect(d.error('c1', { type: 'cancel', msg_id: 2, request_msg_id: 1 }, 20)).toBe('no waiting request with msg_id 1 from "c1"');
  });
});

describe('renew: state errors', () => {
  it('20 for an id never issued', () => {
    const d = new Driver();
    expect(d.error('c1', { type: 'renew', msg_id: 1, allocation_id: 'alloc-9' }, 20)).toBe('no allocation "alloc-9"');
  });

  it('22 for a released allocation and for one whose lease expired', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }), lease_ms: 10 });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ cpu: 1 }), lease_ms: 10 });
    d.send('c1', { type: 'release', msg_id: 3, allocation_id: 'alloc-1' });
    expect(d.error('c1', { type: 'renew', msg_id: 4, allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" was already released');
    d.send('c1', { type: 'tick', msg_id: 5, ms: 10 });
    expect(d.error('c1', { type: 'renew', msg_id: 6, allocation_id: 'alloc-2', lease_ms: 10 }, 22)).toBe('allocation "alloc-2" was already reclaimed when its lease expired');
  });

  it('22 for an allocation without a lease when no lease_ms is given', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }) });
    expect(d.error('c1', { type: 'renew', msg_id: 2, allocation_id: 'alloc-1' }, 22)).toBe('allocation "alloc-1" has no lease: give lease_ms to start one');
  });
});

describe('complete_job: state errors', () => {
  const setUp = (): Driver => {
    const d = new Driver();
    d.send('c1', { type: 'submit_job', msg_id: 1, category: 'heavy', concurrency_limit: 1, jobs: 2 });
    return d;
  };

  it('20 for an unknown category', () => {
    expect(setUp().error('c1', { type: 'complete_job', msg_id: 2, category: 'light' }, 20)).toBe('no category "light"');
  });

  it('20 for a job id not of this category or never submitted', () => {
    const d = setUp();
    expect(d.error('c1', { type: 'complete_job', msg_id: 2, category: 'heavy', job_id: 'light#1' }, 20)).toBe('no job "light#1" in category "heavy"');
    expect(d.error('c1', { type: 'complete_job', msg_id: 3, category: 'heavy', job_id: 'heavy#3' }, 20)).toBe('no job "heavy#3" in category "heavy"');
    expect(d.error('c1', { type: 'complete_job', msg_id: 4, category: 'heavy', job_id: 'heavy#01' }, 20)).toBe('no job "heavy#01" in category "heavy"');
  });

  it('22 for a waiting job, a completed job, and when nothing runs', () => {
    const d = setUp();
    expect(d.error('c1', { type: 'complete_job', msg_id: 2, category: 'heavy', job_id: 'heavy#2' }, 22)).toBe('job "heavy#2" is waiting, not running');
    d.send('c1', { type: 'complete_job', msg_id: 3, category: 'heavy' });
    expect(d.error('c1', { type: 'complete_job', msg_id: 4, category: 'heavy', job_id: 'heavy#1' }, 22)).toBe('job "heavy#1" has already completed');
    d.send('c1', { type: 'complete_job', msg_id: 5, category: 'heavy' });
    expect(d.error('c1', { type: 'complete_job', msg_id: 6, category: 'heavy' }, 22)).toBe('category "heavy" has no running job');
  });
});

describe('allocate request_id: state errors', () => {
  it('22 when the key was used with other requirements', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ cpu: 1 }), request_id: 'k' });
    expect(d.error('c1', { type: 'allocate', msg_id: 2, requirements: req({ cpu: 2 }), request_id: 'k' }, 22)).toBe('request_id "k" was used before with other requirements');
  });

  it('22 when the keyed request was cancelled or timed out; no new request is made', () => {
    const d = new Driver();
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 3 }), request_id: 'a' });
    d.send('c1', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 3 }), request_id: 'b', timeout_ms: 5 });
    d.send('c1', { type: 'cancel', msg_id: 3, request_msg_id: 1 });
    d.send('c1', { type: 'tick', msg_id: 4, ms: 5 });
    expect(d.error('c1', { type: 'allocate', msg_id: 5, requirements: req({ gpu: 3 }), request_id: 'a' }, 22)).toBe('request_id "a" was cancelled');
    expect(d.error('c1', { type: 'allocate', msg_id: 6, requirements: req({ gpu: 3 }), request_id: 'b' }, 22)).toBe('request_id "b" timed out while waiting');
    expect(d.one('c1', { type: 'status', msg_id: 7 }).queued).toBe(0);
  });
});

describe('the queue limit with options', () => {
  it('a full queue is code 11 and remembers no request_id, so a retry can succeed later', () => {
    const d = new Driver({ maxQueue: 1 });
    d.send('c1', { type: 'allocate', msg_id: 1, requirements: req({ gpu: 3 }), timeout_ms: 10 });
    expect(d.error('c1', { type: 'allocate', msg_id: 2, requirements: req({ gpu: 3 }), request_id: 'k' }, 11)).toBe('queue is full: 1 requests waiting, limit 1');
    d.send('c1', { type: 'tick', msg_id: 3, ms: 10 });
    expect(d.one('c1', { type: 'allocate', msg_id: 4, requirements: req({ gpu: 3 }), request_id: 'k' }).type).toBe('queued');
  });
});
