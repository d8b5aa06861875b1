import type { Writable } from 'node:stream';

/**
 * Lines are written in batches of about this many bytes: enough to amortise a write,
 * and far from the longest string V8 can join, whatever one input chunk causes.
 */
export const BATCH_BYTES = 64 * 1024;

export interface OutletEvents {
  /** The output said it is full: its reader is behind. */
  readonly full: () => void;
  /** The output took everything it was given. */
  readonly drained: () => void;
  /** Called before each write: a durable store commits what the lines report (--state-dir). */
  readonly commit?: () => void;
  /** A batch was confirmed written. */
  readonly written?: () => void;
}

/**
 * One output stream's lines: gathered into bounded batches, each one write, with the count of
 * lines whose write is not yet confirmed. Shared by the stdio edge and each tcp connection.
 */
export class Outlet {
  private readonly batch: string[] = [];
  private batchBytes = 0;
  /** Lines handed to the output whose write has not yet been confirmed. */
  unconfirmed = 0;
  /** The output said it is full and has not drained since. */
  blocked = false;
  private closed = false;
  /**
   * Lines wait for the hub to release them after their commit (a cluster's leader commits to
   * etcd, which answers later): no batch goes out on its own, whatever its size.
   */
  held = false;

  constructor(
    private readonly output: Writable,
    private readonly on: OutletEvents,
  ) {}

  /** Lines gathered, not yet handed to the output. */
  get gathered(): number {
    return this.batch.length;
  }

  /** What is owed to the reader and not yet taken by it: the output's buffer and the batch (its characters). */
  get unreadBytes(): number {
    // Lines held for a commit are the node's delay, not the reader's.
    return this.output.writableLength + (this.held ? 0 : this.batchBytes);
  }

  /** Characters gathered and not yet handed to the output. */
  get gatheredBytes(): number {
    return this.batchBytes;
  }

  push(line: string): void {
    if (this.closed) return;
    this.batch.push(line);
    this.batchBytes += line.length + 1;
    if (this.batchBytes >= BATCH_BYTES && !this.held) this.flush();
  }

  /** Writes the first `n` lines gathered (those a finished commit covers), keeping the rest. */
  release(n: number): void {
    if (n === 0 || this.closed) return;
    const lines = this.batch.splice(0, n);
    for (const line of lines) this.batchBytes -= line.length + 1;
    this.write(lines);
  }

  /** Hands the batch to the output as one write. */
  flush(): void {
    if (this.batch.length === 0 || this.closed) return;
    this.on.commit?.();
    const lines = this.batch.splice(0);
    this.batchBytes = 0;
    this.write(lines);
  }

  private write(batch: string[]): void {
    // An empty last line ends the text with its newline inside the one join.
    batch.push('');
    const text = batch.join('\n');
    const lines = batch.length - 1;
    this.unconfirmed += lines;
    const more = this.output.write(text, (e) => {
      if (e) return;
      this.unconfirmed -= lines;
      this.on.written?.();
    });
    if (!more && !this.blocked) {
      this.blocked = true;
      this.output.once('drain', this.onDrain);
      this.on.full();
    }
  }

  /** Nothing more is written: what is gathered is dropped. */
  close(): void {
    this.closed = true;
    this.batch.length = 0;
    this.batchBytes = 0;
  }

  private readonly onDrain = (): void => {
    this.blocked = false;
    this.on.drained();
  };
}
