import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../protocol/framing.js';
import type { LineSink, ResourceNode } from '../server/node.js';
import { DeadlineTimer } from './deadline-timer.js';
import { Outlet } from './outlet.js';

export { BATCH_BYTES } from './outlet.js';

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
  let stopping = false;
  let ended = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const outlet: Outlet = new Outlet(o.output, {
    full: () => o.input.pause(),
    commit: () => node.commit(),
    drained: () => {
      if (stopping) return;
      // Lines of the last chunk that were not read yet come first; they may fill it again.
      splitter.resume();
      outlet.flush();
      timer.schedule();
      if (!outlet.blocked && !splitter.isPaused) o.input.resume();
    },
    written: () => {
      if (stopping && outlet.unconfirmed === 0) end({ undelivered: 0, gaveUp: false });
    },
  });
  const sink: LineSink = { push: (line) => outlet.push(line) };

  const splitter = new LineSplitter(o.maxLineBytes, {
    line: (text, lineNo) => {
      node.handleLine(text, lineNo, sink);
      if (outlet.blocked) splitter.pause();
    },
    oversize: (lineNo, bytes) => o.log(`line ${lineNo}: ${bytes} bytes is over --max-line-bytes ${o.maxLineBytes}; skipped`),
  });

  const timer = new DeadlineTimer(node, o.clock, () => {
    node.fireDeadlines(sink);
    outlet.flush();
  });

  const onData = (chunk: Buffer): void => {
    splitter.push(chunk);
    // Changes that owe no line are made durable with the chunk too.
    node.commit();
    outlet.flush();
    timer.schedule();
  };

  const end = (outcome: StdioOutcome): void => {
    if (ended) return;
    ended = true;
    outlet.close();
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    o.done(outcome);
  };

  const stopReading = (): void => {
    stopping = true;
    timer.stop();
    o.input.off('data', onData);
    o.input.pause();
  };

  const stop = (): void => {
    if (stopping) {
      // A second stop: give up at once on whatever is still unwritten.
      end({ undelivered: outlet.unconfirmed, gaveUp: true });
      return;
    }
    stopReading();
    readWhatWasTaken(splitter, o.input);
    outlet.flush();
    if (outlet.unconfirmed === 0) {
      end({ undelivered: 0, gaveUp: false });
      return;
    }
    const grace = o.graceMs ?? 5000;
    graceTimer = setTimeout(() => end({ undelivered: outlet.unconfirmed, gaveUp: true }), grace);
  };

  o.output.on('error', (e: NodeJS.ErrnoException) => {
    stopReading();
    end({ undelivered: outlet.unconfirmed + outlet.gathered, error: e, gaveUp: false });
  });

  o.input.on('data', onData);
  o.input.on('end', () => {
    if (stopping) return;
    splitter.end();
    stop();
  });
  // A node restored from --state-dir may hold deadlines already due: they fire at once.
  timer.schedule();
  return { stop };
}

/**
 * Handles the lines already taken from `input` after it stopped being read: their senders
 * cannot tell them from lines the node handled, so they are owed replies too. A partial
 * last line is no message and is dropped.
 */
export function readWhatWasTaken(splitter: LineSplitter, input: Readable): void {
  splitter.drainHeld();
  if (typeof input.read !== 'function') return;
  for (let chunk = input.read() as Buffer | null; chunk !== null; chunk = input.read() as Buffer | null) {
    splitter.push(chunk);
    splitter.drainHeld();
  }
}
