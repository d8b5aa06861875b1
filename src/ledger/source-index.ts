import type { Allocation, WaitingRequest } from './types.js';

/** Clients whose map may empty before empty maps are swept (see SourceIndex.delete). */
const SWEEP_AFTER = 1024;

/**
 * Waiting requests and live allocations by client and msg_id, so that `cancel` can find
 * a client's request by the msg_id it sent. Two levels, so a msg_id is a number key.
 */
export class SourceIndex {
  private readonly bySource = new Map<string, Map<number, WaitingRequest | Allocation>>();
  /** Times a client's map became empty since the last sweep. */
  private emptied = 0;

  get(src: string, msgId: number): WaitingRequest | Allocation | undefined {
    return this.bySource.get(src)?.get(msgId);
  }

  set(src: string, msgId: number, v: WaitingRequest | Allocation): void {
    let m = this.bySource.get(src);
    if (m === undefined) {
      m = new Map();
      this.bySource.set(src, m);
    }
    m.set(msgId, v);
  }

  /** Forgets `v`, unless the client has since reused its msg_id for another request. */
  delete(src: string, msgId: number, v: WaitingRequest | Allocation): void {
    const m = this.bySource.get(src);
    if (m === undefined || m.get(msgId) !== v) return;
    m.delete(msgId);
    // A client whose one request ends usually sends the next at once: its empty map is
    // kept for it. Empty maps are swept once more maps emptied than half of all there are
    // (empty ones included): sweeps cost O(1) per emptying, and empty maps never outnumber
    // SWEEP_AFTER or the clients with something live, whichever is more.
    if (m.size === 0 && ++this.emptied > SWEEP_AFTER && 2 * this.emptied > this.bySource.size) this.sweep();
  }

  /** Clients with a map, empty ones not yet swept included. */
  get clients(): number {
    return this.bySource.size;
  }

  private sweep(): void {
    for (const [src, m] of this.bySource) if (m.size === 0) this.bySource.delete(src);
    this.emptied = 0;
  }
}
