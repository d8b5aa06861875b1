import { isAscii } from 'node:buffer';

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = '\ufeff';
const BOM_BYTES = 3;

export interface FramingSink {
  /** A complete line (without its newline or a trailing carriage return). */
  line(text: string, lineNo: number): void;
  /** A line longer than the limit was skipped. */
  oversize(lineNo: number, bytes: number): void;
}

/**
 * Splits a byte stream into newline-delimited lines. Unlike `readline`, it never holds
 * more than `maxLineBytes` of one line: a longer line is dropped as it streams past, and
 * the caller decides when to read more: `pause()` from inside `line` stops it after that
 * line, keeping the rest of the chunk until `resume()`.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of an oversize line seen so far; -1 when not inside one. */
  private skipping = -1;
  private lineNo = 0;
  private paused = false;
  /** The unread rest of a chunk, kept while paused. */
  private held: Buffer | undefined;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: FramingSink,
  ) {}

  /** True while paused, or while a chunk's rest is still held. */
  get isPaused(): boolean {
    return this.paused || this.held !== undefined;
  }

  /** Stops after the current line; the caller must not push again before `resume()`. */
  pause(): void {
    this.paused = true;
  }

  /** Reads on from what was held; it may pause again. */
  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) this.push(held);
  }

  push(chunk: Buffer): void {
    let start = 0;
    // An ASCII chunk is decoded once and its lines are cut from that text: one byte is one
    // character, so the byte offsets of newlines are string offsets and lengths are bytes.
    const text = isAscii(chunk) ? chunk.toString('latin1') : undefined;
    for (;;) {
      if (this.paused) {
        // Copied: the stream may reuse its buffer once this callback returns.
        if (start < chunk.length) this.held = Buffer.from(chunk.subarray(start));
        return;
      }
      const nl = text !== undefined ? text.indexOf('\n', start) : chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.finish(chunk, start, nl, text);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Reads every complete line held, pausing no more; a partial last line stays pending. */
  drainHeld(): void {
    while (this.held !== undefined) {
      this.paused = false;
      const held = this.held;
      this.held = undefined;
      this.push(held);
    }
    this.paused = false;
  }

  /** End of input: what is held, then a last line without a newline, still count. */
  end(): void {
    this.drainHeld();
    if (this.pendingBytes > 0 || this.skipping >= 0) this.finish(Buffer.alloc(0), 0, 0);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.skipping >= 0) {
      this.skipping += n;
      return;
    }
    // One byte more than the limit may still be the CR of a CRLF, which does not count; nor
    // does a byte-order mark before the first line.
    if (this.pendingBytes + n > this.maxLineBytes + 1 + (this.lineNo === 0 ? BOM_BYTES : 0)) {
      this.skipping = this.pendingBytes + n;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the stream may reuse its buffer once this callback returns.
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += n;
  }

  private finish(chunk: Buffer, start: number, end: number, decoded?: string): void {
    this.lineNo++;
    if (this.skipping >= 0) {
      const bytes = this.skipping + (end - start);
      this.skipping = -1;
      this.sink.oversize(this.lineNo, bytes);
      return;
    }
    const total = this.pendingBytes + (end - start);
    const counted = total - (this.lineNo === 1 && this.startsWithBom(chunk, start, end) ? BOM_BYTES : 0);
    if (counted > this.maxLineBytes && !(counted === this.maxLineBytes + 1 && this.lastByte(chunk, start, end) === CR)) {
      this.pending = [];
      this.pendingBytes = 0;
      this.sink.oversize(this.lineNo, total);
      return;
    }
    let text: string;
    if (this.pendingBytes === 0) {
      text = decoded !== undefined ? decoded.slice(start, end) : chunk.toString('utf8', start, end);
    } else {
      this.pending.push(chunk.subarray(start, end));
      text = Buffer.concat(this.pending, total).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    // A byte-order mark some editors put at the start of a file is not part of the message.
    if (this.lineNo === 1 && text.startsWith(BOM)) text = text.slice(1);
    this.sink.line(text, this.lineNo);
  }

  /** True when the line held in `pending`, then `chunk[start, end)`, starts with a UTF-8 byte-order mark. */
  private startsWithBom(chunk: Buffer, start: number, end: number): boolean {
    const first: number[] = [];
    for (const b of [...this.pending, chunk.subarray(start, end)]) {
      for (let i = 0; i < b.length && first.length < BOM_BYTES; i++) first.push(b[i]!);
      if (first.length === BOM_BYTES) break;
    }
    return first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf;
  }

  /** The last byte of the line ending at `end`, or -1 for an empty line. */
  private lastByte(chunk: Buffer, start: number, end: number): number {
    if (end > start) return chunk[end - 1]!;
    const last = this.pending[this.pending.length - 1];
    return last === undefined || last.length === 0 ? -1 : last[last.length - 1]!;
  }
}
