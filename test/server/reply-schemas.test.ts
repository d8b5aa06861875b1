import { describe, expect, it } from 'vitest';
import { expectValidReply } from './helpers.js';

describe('the reply schemas used by these tests', () => {
  it('accept the core replies as docs/protocol.md shows them', () => {
    expectValidReply({ type: 'allocated', in_reply_to: 1, allocation_id: 'alloc-1', resources: { cpu: 2, memory: 4 } });
    expectValidReply({ type: 'queued', in_reply_to: 2, reason: 'Insufficient resources', available: { gpu: 2 }, required: 4 });
    expectValidReply({ type: 'released', in_reply_to: 3, allocation_id: 'alloc-1', resources_freed: { cpu: 2 } });
    expectValidReply({ type: 'jobs_submitted', in_reply_to: 4, queued: 1, running: 2, waiting: 1 });
    expectValidReply({ type: 'error', in_reply_to: 5, code: 12, text: 'requirements[0].amount must be a positive number' });
    expectValidReply({ type: 'init_ok', in_reply_to: 6 });
  });

  it.each([
    ['an extra key', { type: 'allocated', in_reply_to: 1, allocation_id: 'a', resources: { cpu: 1 }, extra: 1 }],
    ['a missing key', { type: 'queued', in_reply_to: 2, reason: 'Insufficient resources', available: { gpu: 2 } }],
    ['an unknown reason', { type: 'queued', in_reply_to: 2, reason: 'busy', available: {}, required: 1 }],
    ['a zero amount', { type: 'released', in_reply_to: 3, allocation_id: 'a', resources_freed: { cpu: 0 } }],
    ['an unknown code', { type: 'error', in_reply_to: 5, code: 99, text: 'x' }],
    ['a two-line text', { type: 'error', in_reply_to: 5, code: 12, text: 'a\nb' }],
    ['a msg_id', { type: 'init_ok', in_reply_to: 6, msg_id: 7 }],
    ['a type with no schema', { type: 'mystery', in_reply_to: 1 }],
    ['keys out of order', { in_reply_to: 1, type: 'allocated', allocation_id: 'a', resources: { cpu: 1 } }],
    ['queued keys out of order', { type: 'queued', in_reply_to: 2, available: { gpu: 2 }, reason: 'Insufficient resources', required: 4 }],
  ])('reject a reply with %s', (_what, body) => {
    expect(() => expectValidReply(body as never)).toThrow();
  });
});
