import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/ledger.js';
import { amountsByName, amountsPerType } from '../../src/server/bodies.js';
import { JsonText, encode } from '../../src/protocol/reply.js';

/** The record in the given order (a null-prototype object would put digit names first). */
function asRecord(entries: [string, number][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

const NAMES = ['cpu', '__proto__', 'constructor', '2', '10', '01', '', 'quo"te', 'back\\slash', 'é', '\u2028', 'toString', '4294967295'];

describe('name-keyed records written as JSON text', () => {
  it('list names in the given order, digit names and __proto__ included', () => {
    const ledger = new Ledger(10);
    NAMES.forEach((n, i) => ledger.setCapacity(n, (i + 1) * 1005));
    const types = ledger.types;
    // Every name alone, and several orders of all of them.
    for (let t = 0; t < NAMES.length; t++) expect(amountsByName(types, [t], [t * 7 + 1]).text).toBe(asRecord([[NAMES[t]!, (t * 7 + 1) / 1000]]));
    const all = NAMES.map((_, t) => t);
    for (const order of [all, [...all].reverse(), [0, 4, 3, 1], [7, 8, 9, 10, 11, 0]]) {
      const units = order.map((t) => t * 1001 + 1);
      expect(amountsByName(types, order, units).text).toBe(asRecord(order.map((t, i) => [NAMES[t]!, units[i]! / 1000])));
    }
    expect(amountsByName(types, [], []).text).toBe('{}');
    expect(amountsPerType(ledger.types, (t) => ledger.capacityOf(t)).text).toBe(asRecord(NAMES.map((n, t) => [n, ((t + 1) * 1005) / 1000])));
  });

  it('are spliced into the envelope as JSON.stringify would write the whole of it', () => {
    const resources = new JsonText('{"cpu":1.5,"__proto__":2}');
    const fields = { allocation_id: 'a"1', resources, skipped: undefined, list: ['x'], n: 0 };
    const plain = { allocation_id: 'a"1', resources: JSON.parse(resources.text) as unknown, list: ['x'], n: 0 };
    const text = encode('n1', { dest: 'c1', via: 'n0', type: 'allocated', inReplyTo: 7, fields });
    expect(text).toBe(JSON.stringify({ src: 'n1', dest: 'c1', body: { type: 'allocated', in_reply_to: 7, ...plain } }));
    // A record stringified by anything else stands for the same value.
    expect(JSON.stringify({ resources })).toBe('{"resources":{"cpu":1.5,"__proto__":2}}');
    expect(encode(undefined, { dest: 'c1', via: 'n0', type: 'x', fields: { type: 'y', resources } })).toBe(
      '{"src":"n0","dest":"c1","body":{"type":"y","resources":{"cpu":1.5,"__proto__":2}}}',
    );
  });

  it('writes strings and numbers as JSON.stringify does, escapes and lone surrogates included', () => {
    const strings = ['n1', '', 'a"b', 'back\\slash', 'tab\there', '\u0000\u001f', '\u007f', '\u2028\u2029', 'é😀', '\ud800', 'x\udfff', '\udfff\ud800'];
    const numbers = [0, -0, 1.005, 1e21, 1e-7, NaN, Infinity, -Infinity, 2 ** 53];
    for (const s of strings) {
      for (const n of numbers) {
        const text = encode(s, { dest: s, via: 'v', type: s, inReplyTo: n, fields: { [s]: s, n, nested: { [s]: n } } });
        expect(text).toBe(JSON.stringify({ src: s, dest: s, body: { type: s, in_reply_to: n, [s]: s, n, nested: { [s]: n } } }));
      }
    }
  });
});
