import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/core/manager.js';
import { CoreError } from '../../../src/core/errors.js';
import { errorOf } from '../../support/errors.js';

// Which request a cancel names when a client reused a msg_id: the newest of its requests
// with that msg_id still waiting; only when none waits, the newest live allocation (22).
// The answer must depend on that history alone, never on when the index was filled.

const gpu = (amount: number) => [{ type: 'gpu', amount }];

function manager(clock: { now: number }): ResourceManager {
  return new ResourceManager({ capacity: [['gpu', 2]], clock: () => clock.now, idPrefix: 'a' });
}

/** What cancel answered: the cancelled request's arrival number, or the error. */
function cancelAnswer(m: ResourceManager, src: string, msgId: number): string {
  try {
    return `cancelled seq ${m.cancel(src, msgId).request.seq}`;
  } catch (e) {
    if (e instanceof CoreError) return `${e.kind}: ${e.message}`;
    throw e;
  }
}

describe('cancel of a reused msg_id', () => {
  it('names the same request whether or not an unrelated cancel filed the index earlier', () => {
    const answers = [false, true].map((probe) => {
      const clock = { now: 0 };
      const m = manager(clock);
      m.allocate({ src: 'h', msgId: 1, via: 'n' }, gpu(2));
      m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu(1));
      m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu(2), { timeoutMs: 10 });
      if (probe) expect(errorOf(() => m.cancel('x', 5)).code).toBe(20);
      clock.now = 10;
      expect(m.advance().map((e) => e.kind)).toEqual(['timed_out']);
      return cancelAnswer(m, 'c', 1);
    });
    // The first request with msg_id 1 (arrival 2) still waits: both histories cancel it.
    expect(answers).toEqual(['cancelled seq 2', 'cancelled seq 2']);
  });

  it('cancels the newest waiting request, then the older one, then names the live allocation', () => {
    const m = manager({ now: 0 });
    m.allocate({ src: 'h', msgId: 1, via: 'n' }, gpu(1));
    const older = m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu(2));
    const newer = m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu(2));
    // Granted after both began to wait, yet a waiting request with the msg_id comes first.
    const granted = m.allocate({ src: 'c', msgId: 1, via: 'n' }, gpu(1));
    expect([older.kind, newer.kind, granted.kind]).toEqual(['queued', 'queued', 'granted']);
    expect(m.cancel('c', 1).request).toBe(newer.kind === 'queued' ? newer.request : undefined);
    expect(m.cancel('c', 1).request).toBe(older.kind === 'queued' ? older.request : undefined);
    const e = errorOf(() => m.cancel('c', 1));
    expect([e.code, e.message]).toEqual([22, 'request 1 was already granted as "a2": release it instead']);
  });

  it('names the allocation granted last when several live ones share the msg_id', () => {
    const m = manager({ now: 0 });
    m.allocate({ src: 'c', msgId: 4, via: 'n' }, gpu(1));
    m.allocate({ src: 'c', msgId: 4, via: 'n' }, gpu(1));
    expect(errorOf(() => m.cancel('c', 4)).message).toBe('request 4 was already granted as "a2": release it instead');
    m.release('a2');
    expect(errorOf(() => m.cancel('c', 4)).message).toBe('request 4 was already granted as "a1": release it instead');
    m.release('a1');
    expect(errorOf(() => m.cancel('c', 4)).code).toBe(20);
  });

  type Op =
    | { op: 'allocate'; src: string; msgId: number; amount: number; timeout?: number; lease?: number }
    | { op: 'release'; pick: number }
    | { op: 'cancel'; src: string; msgId: number }
    | { op: 'probe' }
    | { op: 'tick'; ms: number };

  const src = fc.constantFrom('a', 'b');
  const msgId = fc.integer({ min: 1, max: 3 });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('allocate' as const), src, msgId, amount: fc.integer({ min: 1, max: 3 }), timeout: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), lease: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) }, { requiredKeys: ['op', 'src', 'msgId', 'amount'] }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('cancel' as const), src, msgId }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('probe' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3 }) }) },
  );

  /** The plain reading of the rule: a scan of everything waiting and everything live. */
  function reference(m: ResourceManager, src: string, msgId: number): string {
    const waiting = m.waitingRequests().filter((w) => w.src === src && w.msgId === msgId);
    if (waiting.length > 0) return `cancelled seq ${Math.max(...waiting.map((w) => w.seq))}`;
    const live = [...m.liveAllocations()].filter((a) => a.src === src && a.msgId === msgId);
    if (live.length === 0) return `unknown: no waiting request with msgId ${msgId} from ${JSON.stringify(src)}`;
    const newest = live.reduce((x, y) => (y.serial > x.serial ? y : x));
    return `conflict: request ${msgId} was already granted as ${JSON.stringify(newest.id)}: release it instead`;
  }

  it('answers as a linear scan does, whenever the index happens to be filled', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const clock = { now: 0 };
        const m = manager(clock);
        // 0.5 to 1.5 gpu each against a capacity of 2: some fit at once, some wait.
        for (const o of ops) {
          switch (o.op) {
            case 'allocate':
              m.allocate({ src: o.src, msgId: o.msgId, via: 'n' }, gpu(o.amount / 2), { timeoutMs: o.timeout, leaseMs: o.lease });
              break;
            case 'release': {
              const live = [...m.liveAllocations()];
              if (live.length > 0) m.release(live[o.pick % live.length]!.id);
              break;
            }
            case 'cancel': {
              const expected = reference(m, o.src, o.msgId);
              expect(cancelAnswer(m, o.src, o.msgId)).toBe(expected);
              break;
            }
            case 'probe':
              // A client with nothing outstanding: the index is filled, the answer is 20.
              expect(errorOf(() => m.cancel('z', 1)).code).toBe(20);
              break;
            case 'tick':
              clock.now += o.ms;
              m.advance();
              break;
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
