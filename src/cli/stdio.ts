import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../protocol/framing.js';
import type { ResourceNode } from '../node/node.js';

export interface StdioOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly log: (line: string) => void;
  readonly maxLineBytes: number;
  /** Real milliseconds on the node's clock, for the one deadline timer; absent in --deterministic mode. */
  readonly clock?: () => number;
  /** Called once every owed line has been handed to `output`, at end of input or on a signal. */
  readonly done: () => void;
}

/**
 * Plugs a node into byte streams. Input is split by hand (not `readline`) so one line
 * never holds more than --max-line-bytes, every chunk's replies go out in one write, and
 * reading pauses while the output is full: a slow reader cannot make the node buffer
 * without bound.
 */
export function attachStdio(node: ResourceNode, o: StdioOptions): { stop: () => void } {
  let out: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let stopped = false;

  const splitter = new LineSplitter(o.maxLineBytes, {
    line: (text, lineNo) => node.handleLine(text, lineNo, out),
    oversize: (lineNo, bytes) => o.log(`line ${lineNo}: ${bytes} bytes is over --max-line-bytes ${o.maxLineBytes}; skipped`),
  });

  const flush = (): void => {
    if (out.length === 0) return;
    // An empty last line ends the text with its newline inside the one join: a newline
    // appended afterwards makes a two-piece string, which the write would copy to flatten.
    out.push('');
    const text = out.join('\n');
    out = [];
    if (!o.output.write(text) && !stopped) {
      o.input.pause();
      o.output.once('drain', () => {
        if (!stopped) o.input.resume();
      });
    }
  };

  // One timer for all deadlines: always set for the earliest one the ledger holds.
  const schedule = (): void => {
    if (o.clock === undefined || stopped) return;
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
    out.push(...node.fireDeadlines());
    flush();
    schedule();
  };

  const onData = (chunk: Buffer): void => {
    splitter.push(chunk);
    flush();
    schedule();
  };
  const finish = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    o.input.off('data', onData);
    o.input.pause();
    flush();
    o.done();
  };

  o.input.on('data', onData);
  o.input.on('end', () => {
    splitter.end();
    finish();
  });
  return { stop: finish };
}
