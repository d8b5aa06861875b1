import { BoundedMap } from '../lib/bounded-map.js';

/** A message the node owes a client: a reply, a later grant, an expiry, a job start. */
export interface Outgoing {
  /** The client. */
  readonly dest: string;
  /** The node's name as that client addressed it; used as `src` until `init` names the node. */
  readonly via: string;
  readonly type: string;
  /** `msg_id` of the request this answers; absent for unsolicited messages. */
  readonly inReplyTo?: number;
  /** The rest of the body, in wire order; a value may be `JsonText`, written as it is. */
  readonly fields?: object;
}

/**
 * A field value already written as JSON text, spliced into the reply as it is; JSON.stringify gets the
 * value it stands for. See docs/design/encoding.md#name-keyed-records-as-json-text.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * The one place that builds envelopes and sets `in_reply_to`: the bytes JSON.stringify would write,
 * without building the object. See docs/design/encoding.md#the-reply-fast-path.
 */
export function encode(nodeId: string | undefined, m: Outgoing): string {
  // The same text JSON.stringify gives the whole envelope, without building it: the header
  // is joined from stringified parts, then each field in the order JSON.stringify takes
  // them (own enumerable keys), skipped where it would skip it (undefined, functions).
  let text = `{"src":${nameText(nodeId ?? m.via)},"dest":${nameText(m.dest)},"body":{"type":${keyText(m.type)}`;
  if (m.inReplyTo !== undefined) text += `,"in_reply_to":${numberText(m.inReplyTo)}`;
  const fields = m.fields as Record<string, unknown> | undefined;
  if (fields !== undefined) {
    const keys = Object.keys(fields);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // A field named like a header key would take that key's place in a spread, not follow it.
      if (key === 'type' || key === 'in_reply_to') return encodeBySpread(nodeId, m);
      const json = valueText(fields[key]);
      // Two pieces per field, not four: each piece is a node of the reply's string tree,
      // allocated here and walked again when the output is joined.
      if (json !== undefined) text += fieldPrefix(key) + json;
    }
  }
  return `${text}}}`;
}

/** A name-keyed record as JSON text, keys in the given order (an object would list digit keys first). */
export function orderedRecord(entries: Iterable<readonly [string, unknown]>): JsonText {
  let text = '';
  for (const [key, value] of entries) {
    const json = valueText(value);
    if (json !== undefined) text += `${text === '' ? '' : ','}${quote(key)}:${json}`;
  }
  return new JsonText(`{${text}}`);
}

/** A field value as JSON.stringify writes it, or undefined where it would skip the field. */
function valueText(value: unknown): string | undefined {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return numberText(value);
  if (value instanceof JsonText) return value.text;
  // An object of the node's own making may hold JsonText: it is written as it is, not
  // reparsed (which would reorder its keys). Depth is that of the node's own bodies.
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && hasJsonText(value)) {
    return orderedRecord(Object.entries(value)).text;
  }
  return JSON.stringify(value) as string | undefined;
}

function hasJsonText(value: object): boolean {
  for (const v of Object.values(value)) if (v instanceof JsonText) return true;
  return false;
}

/** A string's JSON text: the string in quotes when nothing in it needs escaping. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters, quote, backslash, and surrogates (lone ones are escaped).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** A number's JSON text (`null` for NaN and the infinities), made fresh on each call. */
export function numberText(n: number): string {
  // Not a template, whose number-to-string cache keeps each text alive until it is promoted
  // (docs/design/encoding.md#the-number-to-string-cache).
  return JSON.stringify(n);
}

const CACHE_LIMIT = 1024;
const keyTexts = new BoundedMap<string, string>(CACHE_LIMIT);
const nameTexts = new BoundedMap<string, string>(CACHE_LIMIT);
const fieldPrefixes = new BoundedMap<string, string>(CACHE_LIMIT);

/** JSON text of a message type: few distinct ones, all written by the code, so kept. */
function keyText(key: string): string {
  return keyTexts.get(key) ?? keyTexts.keep(key, quote(key));
}

/** JSON text of a node or client name: a node hears from few clients, so kept too. */
function nameText(name: string): string {
  return nameTexts.get(name) ?? nameTexts.keep(name, quote(name));
}

/** `,"key":` for a field, kept like `keyText`. */
function fieldPrefix(key: string): string {
  return fieldPrefixes.get(key) ?? fieldPrefixes.keep(key, `,${quote(key)}:`);
}

function encodeBySpread(nodeId: string | undefined, m: Outgoing): string {
  const body = m.inReplyTo === undefined ? { type: m.type, ...m.fields } : { type: m.type, in_reply_to: m.inReplyTo, ...m.fields };
  return JSON.stringify({ src: nodeId ?? m.via, dest: m.dest, body });
}
