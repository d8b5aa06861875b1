import type { QueuedRequest } from '../model.js';

/**
 * The front of the queue counts the grants that pass it; after `maxBypass` of them it
 * reserves what it needs, so no later request may take that. See docs/protocol.md, "The queue".
 */
export class StarvationGuard {
  constructor(
    /** Grants that may pass the front before it reserves. */
    readonly maxBypass: number,
  ) {}

  /** True when a request reserves from the moment it waits (`maxBypass` 0). */
  get reservesAtOnce(): boolean {
    return this.maxBypass === 0;
  }

  /** A later request was granted while `front` waited in front of it. */
  passed(front: QueuedRequest): void {
    front.bypassed++;
    if (front.bypassed >= this.maxBypass) front.reserved = true;
  }

  /** What `front` reserves, units by type index, or undefined while it reserves nothing. */
  reserveOf(front: QueuedRequest): number[] | undefined {
    if (!front.reserved) return undefined;
    const v: number[] = [];
    for (let i = 0; i < front.types.length; i++) v[front.types[i]!] = front.units[i]!;
    return v;
  }
}
