import type { Allocation, WaitingRequest } from './types.js';

/**
 * Waiting requests and live allocations by client and msg_id, so that `cancel` can find
 * a client's request by the msg_id it sent. Two levels, so a msg_id is a number key.
 */
export class SourceIndex {
  private readonly bySource = new Map<string, Map<number, WaitingRequest | Allocation>>();

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
    if (m.size === 0) this.bySource.delete(src);
  }
}
