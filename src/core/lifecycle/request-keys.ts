import { BoundedMap } from '../../lib/bounded-map.js';
import { ChurnMap } from '../../lib/churn-map.js';
import type { Allocation, WaitingRequest } from '../model.js';

/** What an allocate with a request_id led to, for answering its retries alike. */
export type KeyOutcome = WaitingRequest | Allocation | { readonly timedOut: WaitingRequest } | { readonly cancelled: WaitingRequest };

/**
 * Idempotency keys, (client, request_id) -> outcome. Waiting requests' keys are never forgotten (the
 * queue bounds them), so a retry cannot become a second request; the latest `limit` settled ones are kept.
 */
export class RequestKeys {
  private readonly waiting = new ChurnMap<string, WaitingRequest>();
  private readonly settled: BoundedMap<string, KeyOutcome>;

  constructor(limit: number) {
    this.settled = new BoundedMap(limit);
  }

  /** The key of `requestId` from `src`: the length of `src` first, so no two pairs share a key. */
  static of(src: string, requestId: string): string {
    return `${src.length}:${src}${requestId}`;
  }

  get(key: string): KeyOutcome | undefined {
    return this.waiting.get(key) ?? this.settled.get(key);
  }

  /** The request waits under `key`. */
  wait(key: string, w: WaitingRequest): void {
    this.waiting.set(key, w);
  }

  /** The request under `key` was granted, timed out or was cancelled. */
  settle(key: string, outcome: KeyOutcome): void {
    this.waiting.delete(key);
    this.settled.set(key, outcome);
  }
}
