import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/protocol/framing.js';

type Seen = ['line', string, number] | ['oversize', number, number];

function splitter(maxLineBytes: number): { s: LineSplitter; seen: Seen[] } {
  const seen: Seen[] = [];
  const s = new LineSplitter(maxLineBytes, {
    line: (text, n) => seen.push(['line', text, n]),
    oversize: (n, bytes) => seen.push(['oversize', n, bytes]),
  });
  return { s, seen };
}

/** Feeds `bytes` cut at the given offsets, then ends the input. */
function feed(maxLineBytes: number, bytes: Buffer, cuts: number[]): Seen[] {
  const { s, seen } = splitter(maxLineBytes);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    s.push(bytes.subarray(at, cut));
    at = cut;
  }
  s.end();
  return seen;
}

/** Bytes the splitter holds for an unfinished line. */
function held(s: LineSplitter): number {
  return (s as unknown as { pending: Buffer[] }).pending.reduce((n, b) => n + b.length, 0);
}

describe('LineSplitter', () => {
  const text = '{"a":"héllo wörld €"}\n{"b":"🙂 ok"}\r\n\n   \n{"c":3}';
  const bytes = Buffer.from(text, 'utf8');
  const expected: Seen[] = [
    ['line', '{"a":"héllo wörld €"}', 1],
    ['line', '{"b":"🙂 ok"}', 2],
    ['line', '', 3],
    ['line', '   ', 4],
    ['line', '{"c":3}', 5],
  ];

  it('splits lines, strips CR of CRLF, keeps blank lines numbered, and ends a last line without newline', () => {
    expect(feed(1024, bytes, [])).toEqual(expected);
  });

  it('gives the same lines wherever one cut falls, inside multi-byte characters too', () => {
    for (let cut = 0; cut <= bytes.length; cut++) expect(feed(1024, bytes, [cut])).toEqual(expected);
  });

  it('gives the same lines when fed one byte at a time', () => {
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(feed(1024, bytes, cuts)).toEqual(expected);
  });

  it('gives the same lines for every pair of cuts', () => {
    for (let a = 0; a <= bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 2) expect(feed(1024, bytes, [a, b])).toEqual(expected);
    }
  });

  it('does not let the caller change a held partial line by reusing its buffer', () => {
    const { s, seen } = splitter(1024);
    const chunk = Buffer.from('abc');
    s.push(chunk);
    chunk.write('xyz');
    s.push(Buffer.from('d\n'));
    expect(seen).toEqual([['line', 'abcd', 1]]);
  });

  it('emits nothing at end of input when the last line ended with a newline', () => {
    const { s, seen } = splitter(1024);
    s.push(Buffer.from('a\nb\n'));
    s.end();
    expect(seen).toEqual([
      ['line', 'a', 1],
      ['line', 'b', 2],
    ]);
  });

  it('accepts a line of exactly the limit and skips one byte more', () => {
    expect(feed(5, Buffer.from('12345\n123456\nok\n'), [])).toEqual([
      ['line', '12345', 1],
      ['oversize', 2, 6],
      ['line', 'ok', 3],
    ]);
    expect(feed(5, Buffer.from('12345\n123456\nok\n'), [3, 9])).toEqual([
      ['line', '12345', 1],
      ['oversize', 2, 6],
      ['line', 'ok', 3],
    ]);
  });

  it('does not count the CR of a CRLF line against the limit', () => {
    const bytes = Buffer.from('12345\r\n123456\r\n1234\r\r\n12345\r\r\nok\r\n');
    const expected: Seen[] = [
      ['line', '12345', 1],
      ['oversize', 2, 7],
      ['line', '1234\r', 3],
      ['oversize', 4, 7],
      ['line', 'ok', 5],
    ];
    for (let cut = 0; cut <= bytes.length; cut++) expect(feed(5, bytes, [cut])).toEqual(expected);
  });

  it('drops a UTF-8 byte-order mark at the start of the input only', () => {
    const bytes = Buffer.from('\ufeff{"a":1}\n\ufeff{"b":2}\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(feed(1024, bytes, [cut])).toEqual([
        ['line', '{"a":1}', 1],
        ['line', '\ufeff{"b":2}', 2],
      ]);
    }
  });

  it('does not count a byte-order mark against the first line\'s limit', () => {
    const bytes = Buffer.from('\ufeff12345\r\n\ufeff1234\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(feed(5, bytes, [cut])).toEqual([
        ['line', '12345', 1],
        ['oversize', 2, 7],
      ]);
    }
  });

  it('pauses after the line that asked, keeps the rest of the chunk, and reads it on resume', () => {
    const seen: string[] = [];
    const s: LineSplitter = new LineSplitter(100, {
      line: (text) => {
        seen.push(text);
        if (text === 'b' || text === 'd') s.pause();
      },
      oversize: () => {},
    });
    s.push(Buffer.from('a\nb\nc\nd\ne'));
    expect(seen).toEqual(['a', 'b']);
    expect(s.isPaused).toBe(true);
    s.resume();
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    s.resume();
    expect(s.isPaused).toBe(false);
    s.push(Buffer.from('f\n'));
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'ef']);
    // At the end nothing stays held, paused or not.
    s.pause();
    s.push(Buffer.from('g\nh\ni'));
    s.end();
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'ef', 'g', 'h', 'i']);
  });

  it('skips an oversize line streamed in many chunks while holding at most the limit', () => {
    const { s, seen } = splitter(100);
    s.push(Buffer.from('{"first":1}\n'));
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      s.push(Buffer.alloc(64, 0x61));
      most = Math.max(most, held(s));
    }
    s.push(Buffer.from('tail\nnext\n'));
    expect(most).toBeLessThanOrEqual(100);
    expect(held(s)).toBe(0);
    expect(seen).toEqual([
      ['line', '{"first":1}', 1],
      ['oversize', 2, 64_000 + 4],
      ['line', 'next', 3],
    ]);
  });

  it('reports an oversize last line without newline at end of input', () => {
    const { s, seen } = splitter(10);
    s.push(Buffer.from('ok\n'));
    s.push(Buffer.alloc(30, 0x62));
    s.end();
    expect(seen).toEqual([
      ['line', 'ok', 1],
      ['oversize', 2, 30],
    ]);
  });

  it('handles many lines in one chunk', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const seen = feed(64, Buffer.from(`${lines.join('\n')}\n`), []);
    expect(seen).toEqual(lines.map((l, i) => ['line', l, i + 1]));
  });
});
