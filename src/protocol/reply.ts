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
 * A field value already written as JSON text (a name-keyed record, say), spliced into the
 * reply as it is. Anything else that stringifies it gets the value the text stands for.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * The one place that builds envelopes and sets `in_reply_to`: `{src, dest, body}` with
 * the body's keys as `type`, `in_reply_to`, then the fields in their given order.
 */
export function encode(nodeId: string | undefined, m: Outgoing): string {
  const fields = m.fields as Record<string, unknown> | undefined;
  // A field named like a header key would take that key's place in a spread, not follow it.
  if (fields !== undefined && (Object.hasOwn(fields, 'type') || Object.hasOwn(fields, 'in_reply_to'))) return encodeBySpread(nodeId, m);
  // The same text JSON.stringify gives the whole envelope, without building it: the header
  // is joined from stringified parts, then each field in the order JSON.stringify takes
  // them (own enumerable keys), skipped where it would skip it (undefined, functions).
  let text = `{"src":${JSON.stringify(nodeId ?? m.via)},"dest":${JSON.stringify(m.dest)},"body":{"type":${JSON.stringify(m.type)}`;
  if (m.inReplyTo !== undefined) text += `,"in_reply_to":${JSON.stringify(m.inReplyTo)}`;
  if (fields !== undefined) {
    const keys = Object.keys(fields);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = fields[key];
      const json = value instanceof JsonText ? value.text : (JSON.stringify(value) as string | undefined);
      if (json !== undefined) text += `,${JSON.stringify(key)}:${json}`;
    }
  }
  return `${text}}}`;
}

function encodeBySpread(nodeId: string | undefined, m: Outgoing): string {
  const body = m.inReplyTo === undefined ? { type: m.type, ...m.fields } : { type: m.type, in_reply_to: m.inReplyTo, ...m.fields };
  return JSON.stringify({ src: nodeId ?? m.via, dest: m.dest, body });
}
