import { isAscii } from 'node:buffer';

const NEWLINE = 0x0a;

export interface FramingSink {
  /** A complete line (without its newline or a trailing carriage return). */
  line(text: string, lineNo: number): void;
  /** A line longer than the limit was skipped. */
  oversize(lineNo: number, bytes: number): void;
}

/**
 * Splits a byte stream into newline-delimited lines. Unlike `readline`, it never holds
 * more than `maxLineBytes` of one line: a longer line is dropped as it streams past, and
 * the caller decides when to read more (so a slow stdout can pause the input).
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of an oversize line seen so far; -1 when not inside one. */
  private skipping = -1;
  private lineNo = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: FramingSink,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    // An ASCII chunk is decoded once and its lines are cut from that text: one byte is one
    // character, so the byte offsets of newlines are string offsets and lengths are bytes.
    const text = isAscii(chunk) ? chunk.toString('latin1') : undefined;
    for (;;) {
      const nl = text !== undefined ? text.indexOf('\n', start) : chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.finish(chunk, start, nl, text);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** End of input: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.skipping >= 0) this.finish(Buffer.alloc(0), 0, 0);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.skipping >= 0) {
      this.skipping += n;
      return;
    }
    if (this.pendingBytes + n > this.maxLineBytes) {
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
    let text: string;
    if (this.pendingBytes === 0) {
      if (end - start > this.maxLineBytes) {
        this.sink.oversize(this.lineNo, end - start);
        return;
      }
      text = decoded !== undefined ? decoded.slice(start, end) : chunk.toString('utf8', start, end);
    } else {
      const total = this.pendingBytes + (end - start);
      if (total > this.maxLineBytes) {
        this.pending = [];
        this.pendingBytes = 0;
        this.sink.oversize(this.lineNo, total);
        return;
      }
      this.pending.push(chunk.subarray(start, end));
      text = Buffer.concat(this.pending, total).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    this.sink.line(text, this.lineNo);
  }
}
