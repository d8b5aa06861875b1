import { describe, expect, it } from 'vitest';
import { ChunkedArray } from '../../src/ledger/chunked-array.js';

describe('ChunkedArray', () => {
  it('reads back what was written, across chunk edges, and undefined where nothing was', () => {
    const a = new ChunkedArray<string>();
    const n = 3 * 4096 + 5;
    for (let i = 0; i < n; i++) a.set(i, `v${i}`);
    for (const i of [0, 1, 4095, 4096, 4097, 8191, 8192, n - 1]) expect(a.get(i)).toBe(`v${i}`);
    expect(a.get(n)).toBeUndefined();
    expect(a.get(100 * 4096)).toBeUndefined();
    // Rewritten in place, as a ring is.
    a.set(4096, 'again');
    expect(a.get(4096)).toBe('again');
    expect(a.get(4095)).toBe('v4095');
  });
});
