import type { QueuedRequest } from '../model.js';
import type { WaitQueue } from '../queue/wait-queue.js';
import type { Tenant } from '../tenants/tenants.js';

/** A waiting request as a replay hands it to the policies: a copy they may change (the guard's counts), never the original. */
export interface Copy extends QueuedRequest {
  readonly original: QueuedRequest;
  /** Granted, or timed out, in the replay. */
  gone: boolean;
}

/**
 * The replay's copies of the requests it has looked at, made when first needed, one per
 * request: a replay touches few of the requests waiting, and copying them all would cost more
 * than the whole replay (docs/contention.md#cost).
 */
export class Copies {
  private readonly byOriginal = new Map<QueuedRequest, Copy>();
  /** Requests and groups looked at, deadlines fired: the replay's measure of its own cost. */
  readonly work = { count: 0 };

  constructor(private readonly account: (t: Tenant | undefined) => Tenant | undefined) {}

  readonly gone = (w: QueuedRequest): boolean => this.byOriginal.get(w)?.gone === true;

  of(w: QueuedRequest): Copy {
    const c = this.byOriginal.get(w);
    if (c !== undefined) return c;
    const made: Copy = {
      src: w.src,
      msgId: w.msgId,
      via: w.via,
      seq: w.seq,
      types: w.types,
      units: w.units,
      options: w.options,
      deadline: w.deadline,
      queuedAt: w.queuedAt,
      bypassed: w.bypassed,
      reserved: w.reserved,
      slot: -1,
      group: undefined,
      filedBySource: false,
      tenant: w.tenant,
      account: this.account(w.account),
      lane: undefined,
      original: w,
      gone: false,
    };
    this.byOriginal.set(w, made);
    return made;
  }
}

/** What a replay reads of the wait queue. */
export type QueueView = Pick<WaitQueue, 'size' | 'inOrder' | 'firstFittingExcept'>;

/**
 * The waiting requests of a replay: the manager's own wait queue less the requests the replay
 * has granted or timed out, answering what the policies ask of a queue (its head, the earliest
 * request that fits) through the queue's index. It changes nothing the queue means: a search
 * may re-file what it looks at, as every search of the queue does.
 */
export class ReplayQueue {
  size: number;
  private readonly order: Iterator<QueuedRequest>;
  /** The earliest request in queue order not known to be gone; the order never changes, and what is gone stays gone. */
  private current: QueuedRequest | undefined;

  constructor(
    private readonly real: QueueView,
    private readonly copies: Copies,
  ) {
    this.size = real.size;
    this.order = real.inOrder();
    this.current = this.order.next().value ?? undefined;
  }

  remove(w: Copy): void {
    w.gone = true;
    this.size--;
  }

  has(w: Copy): boolean {
    return !w.gone;
  }

  head(): Copy | undefined {
    while (this.current !== undefined && this.copies.gone(this.current)) {
      this.copies.work.count++;
      this.current = this.order.next().value ?? undefined;
    }
    return this.current === undefined ? undefined : this.copies.of(this.current);
  }

  firstFitting(avail: readonly number[]): Copy | undefined {
    const w = this.real.firstFittingExcept(avail, this.copies.gone, this.copies.work);
    return w === undefined ? undefined : this.copies.of(w);
  }
}
