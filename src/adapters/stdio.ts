import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../protocol/framing.js';
import type { LineSink, ResourceNode } from '../server/node.js';

/**
 * Replies are written in batches of about this many bytes: enough to amortise a write,
 * and far from the longest string V8 can join, whatever one input chunk causes.
 */
export const BATCH_BYTES = 64 * 1024;

/** How the edge ended: every owed line written, or how many were not. */
export interface StdioOutcome {
  /** Lines handed to the output that it never confirmed written (0 on a clean end). */
  readonly undelivered: number;
  /** The output's error, when writing failed. */
  readonly error?: NodeJS.ErrnoException;
  /** True when the grace after a stop ran out, or a second stop came. */
  readonly gaveUp: boolean;
}

export interface StdioOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly log: (line: string) => void;
  readonly maxLineBytes: number;
  /** Real milliseconds on the node's clock, for the one deadline timer; absent in --deterministic mode. */
  readonly clock?: () => number;
  /** After a stop, how long owed lines may take to be written before the edge gives up on them. */
  readonly graceMs?: number;
  /** Called once: at end of input or after a stop, when every owed line is written or given up on. */
  readonly done: (outcome: StdioOutcome) => void;
}

/**
 * Plugs a node into byte streams. Input is split by hand (not `readline`) so one line
 * never holds more than --max-line-bytes; replies go out in batches bounded in bytes; and
 * while the output is full no further line is read: a slow reader cannot make the node
 * buffer without bound.
 */
export function attachStdio(node: ResourceNode, o: StdioOptions): { stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let stopping = false;
  let ended = false;
  /** The output said it is full: read nothing until it drains. */
  let blocked = false;
  /** Lines written whose write has not yet been confirmed. */
  let unconfirmed = 0;
  let graceTimer: NodeJS.Timeout | undefined;

  const batch: string[] = [];
  let batchBytes = 0;
  const sink: LineSink = {
    push(line: string): void {
      batch.push(line);
      batchBytes += line.length + 1;
      if (batchBytes >= BATCH_BYTES) flush();
    },
  };

  const splitter = new LineSplitter(o.maxLineBytes, {
    line: (text, lineNo) => {
      node.handleLine(text, lineNo, sink);
      if (blocked) splitter.pause();
    },
    oversize: (lineNo, bytes) => o.log(`line ${lineNo}: ${bytes} bytes is over --max-line-bytes ${o.maxLineBytes}; skipped`),
  });

  const flush = (): void => {
    if (batch.length === 0 || ended) return;
    // An empty last line ends the text with its newline inside the one join.
    batch.push('');
    const text = batch.join('\n');
    const lines = batch.length - 1;
    batch.length = 0;
    batchBytes = 0;
    unconfirmed += lines;
    const more = o.output.write(text, (e) => {
      if (e) return;
      unconfirmed -= lines;
      if (stopping && unconfirmed === 0) end({ undelivered: 0, gaveUp: false });
    });
    if (!more && !blocked) {
      blocked = true;
      o.input.pause();
      o.output.once('drain', onDrain);
    }
  };

  const onDrain = (): void => {
    blocked = false;
    if (stopping) return;
    // Lines of the last chunk that were not read yet come first; they may fill it again.
    splitter.resume();
    flush();
    schedule();
    if (!blocked && !splitter.isPaused) o.input.resume();
  };

  // One timer for all deadlines: always set for the earliest one the ledger holds.
  const schedule = (): void => {
    if (o.clock === undefined || stopping) return;
    const next = node.nextDeadline();
    if (next === timerAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    timerAt = next;
    if (next === Infinity) return;
    timer = setTimeout(fire, Math.max(0, Math.ceil(next - o.clock())));
  };
  const fire = (): void => {
    timer = undefined;
    timerAt = Infinity;
    node.fireDeadlines(sink);
    flush();
    schedule();
  };

  const onData = (chunk: Buffer): void => {
    splitter.push(chunk);
    flush();
    schedule();
  };

  const end = (outcome: StdioOutcome): void => {
    if (ended) return;
    ended = true;
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    o.done(outcome);
  };

  // Lines already taken from the input are owed replies too: their senders cannot tell
  // them from lines the node handled. A partial last line is no message and is dropped.
  const readWhatWasTaken = (): void => {
    splitter.drainHeld();
    if (typeof o.input.read !== 'function') return;
    for (let chunk = o.input.read() as Buffer | null; chunk !== null; chunk = o.input.read() as Buffer | null) {
      splitter.push(chunk);
      splitter.drainHeld();
    }
  };

  const stopReading = (): void => {
    stopping = true;
    if (timer !== undefined) clearTimeout(timer);
    o.input.off('data', onData);
    o.input.pause();
  };

  const stop = (): void => {
    if (stopping) {
      // A second stop: give up at once on whatever is still unwritten.
      end({ undelivered: unconfirmed, gaveUp: true });
      return;
    }
    stopReading();
    readWhatWasTaken();
    flush();
    if (unconfirmed === 0) {
      end({ undelivered: 0, gaveUp: false });
      return;
    }
    const grace = o.graceMs ?? 5000;
    graceTimer = setTimeout(() => end({ undelivered: unconfirmed, gaveUp: true }), grace);
  };

  o.output.on('error', (e: NodeJS.ErrnoException) => {
    stopReading();
    end({ undelivered: unconfirmed + batch.length, error: e, gaveUp: false });
  });

  o.input.on('data', onData);
  o.input.on('end', () => {
    if (stopping) return;
    splitter.end();
    stop();
  });
  return { stop };
}
