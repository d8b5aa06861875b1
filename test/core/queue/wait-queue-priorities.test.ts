import { describe, expect, it } from 'vitest';
import type { QueuedRequest } from '../../../src/core/model.js';
import { WaitQueue, ahead } from '../../../src/core/queue/wait-queue.js';
import { waitingRequest } from '../../support/waiting-request.js';

// Every priority is a group of its own: with N priorities waiting, a drain that looked at
// every group per grant would look at about N * N / 2 of them.
const N = 5000;
/**
 * Groups a drain of N requests may look at: a few per grant (those a search looks into, and
 * the group each grant empties, filed in the front tree), and N once for the first search.
 */
const BOUND = 8 * N;

function inOrder(ws: readonly QueuedRequest[]): QueuedRequest[] {
  return [...ws].sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
}

/** N requests for one unit of type 0, each of its own priority, arriving in no priority order. */
function distinctPriorities(q: WaitQueue): QueuedRequest[] {
  const ws: QueuedRequest[] = [];
  for (let i = 0; i < N; i++) {
    const w = waitingRequest([0], [1], 1 + ((i * 7919) % N));
    q.add(w);
    ws.push(w);
  }
  return ws;
}

describe('wait queue with a priority level per request', () => {
  it('grants the front again and again (a release that fits the head each time) looking at a few groups per grant', () => {
    const q = new WaitQueue();
    const ws = distinctPriorities(q);
    const before = q.groupsLookedAt;
    const granted: QueuedRequest[] = [];
    for (let w = q.head(); w !== undefined; w = q.head()) {
      q.remove(w);
      granted.push(w);
    }
    expect(granted).toEqual(inOrder(ws));
    expect(q.groupsLookedAt - before).toBeLessThanOrEqual(BOUND);
  });

  it('grants past a head that does not fit (backfill) looking at a few groups per grant', () => {
    const q = new WaitQueue();
    const blocked = waitingRequest([1], [1], N + 1);
    q.add(blocked);
    const ws = distinctPriorities(q);
    const avail = [N, 0];
    const before = q.groupsLookedAt;
    const granted: QueuedRequest[] = [];
    for (let w = q.firstFitting(avail); w !== undefined; w = q.firstFitting(avail)) {
      q.remove(w);
      granted.push(w);
      avail[0]!--;
      expect(q.head()).toBe(blocked);
    }
    expect(granted).toEqual(inOrder(ws));
    expect(q.groupsLookedAt - before).toBeLessThanOrEqual(BOUND);
  });

  it('finds the front again after each of many allocate/cancel pairs in front of them looking at a few groups each', () => {
    const q = new WaitQueue();
    const ws = distinctPriorities(q);
    const front = inOrder(ws)[0];
    const pairs = 1000;
    const before = q.groupsLookedAt;
    for (let i = 0; i < pairs; i++) {
      const w = waitingRequest([0], [1], N + 1);
      q.add(w);
      expect(q.head()).toBe(w);
      q.remove(w);
      expect(q.head()).toBe(front);
    }
    expect(q.groupsLookedAt - before).toBeLessThanOrEqual(4 * pairs);
  });
});
