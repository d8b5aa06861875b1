import { BoundedMap } from '../../lib/bounded-map.js';
import { RenewingMap } from '../../lib/renewing-map.js';
import type { HeldAllocation, QueuedRequest } from '../model.js';

/** What an allocate with a request_id led to, for answering its retries alike. */
export type KeyOutcome =
  | { readonly kind: 'waiting'; readonly request: QueuedRequest }
  | { readonly kind: 'granted'; readonly allocation: HeldAllocation }
  | { readonly kind: 'timed_out'; readonly request: QueuedRequest }
  | { readonly kind: 'cancelled'; readonly request: QueuedRequest };

/** A settled outcome: anything but waiting. */
export type Settled = Exclude<KeyOutcome, { readonly kind: 'waiting' }>;

/**
 * Idempotency keys, (client, request_id) -> outcome. Waiting requests' keys are never forgotten (the
 * queue bounds them), so a retry cannot become a second request; the latest `limit` settled ones are kept.
 */
export class RequestKeys {
  private readonly waiting = new RenewingMap<string, QueuedRequest>();
  private readonly settled: BoundedMap<string, Settled>;

  constructor(limit: number) {
    this.settled = new BoundedMap(limit);
  }

  /** The key of `requestId` from `src`: the length of `src` first, so no two pairs share a key. */
  static of(src: string, requestId: string): string {
    return `${src.length}:${src}${requestId}`;
  }

  get(key: string): KeyOutcome | undefined {
    const request = this.waiting.get(key);
    return request !== undefined ? { kind: 'waiting', request } : this.settled.get(key);
  }

  /** The request waits under `key`. */
  wait(key: string, w: QueuedRequest): void {
    this.waiting.set(key, w);
  }

  /** The request under `key` was granted, timed out or was cancelled. */
  settle(key: string, outcome: Settled): void {
    this.waiting.delete(key);
    this.settled.set(key, outcome);
  }
}
