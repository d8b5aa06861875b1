import type { LineHandler } from '../server/node.js';

/**
 * One timer for every deadline the node holds (timeouts, leases, holds): always set for the
 * earliest. Without a clock (--deterministic) it never fires: `tick` moves the virtual clock.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private at = Infinity;
  private stopped = false;

  constructor(
    private readonly node: LineHandler,
    private readonly clock: (() => number) | undefined,
    /** Fires the deadlines due (the edge calls `node.fireDeadlines` with its sink, then writes). */
    private readonly fire: () => void,
  ) {}

  /** Sets the timer for the node's earliest deadline, if it changed. */
  schedule(): void {
    if (this.clock === undefined || this.stopped) return;
    const next = this.node.nextDeadline();
    if (next === this.at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = next;
    if (next === Infinity) return;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(next - this.clock())));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.at = Infinity;
    this.fire();
    this.schedule();
  };
}
