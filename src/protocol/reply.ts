/** A message the node owes a client: a reply, a later grant, an expiry, a job start. */
export interface Outgoing {
  /** The client. */
  readonly dest: string;
  /** The node's name as that client addressed it; used as `src` until `init` names the node. */
  readonly via: string;
  readonly type: string;
  /** `msg_id` of the request this answers; absent for unsolicited messages. */
  readonly inReplyTo?: number;
  /** The rest of the body, in wire order. */
  readonly fields?: object;
}

/**
 * The one place that builds envelopes and sets `in_reply_to`: `{src, dest, body}` with
 * the body's keys as `type`, `in_reply_to`, then the fields in their given order.
 */
export function encode(nodeId: string | undefined, m: Outgoing): string {
  const body = m.inReplyTo === undefined ? { type: m.type, ...m.fields } : { type: m.type, in_reply_to: m.inReplyTo, ...m.fields };
  return JSON.stringify({ src: nodeId ?? m.via, dest: m.dest, body });
}
