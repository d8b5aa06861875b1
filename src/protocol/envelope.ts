/** A request as read from one input line, once its envelope is known to be usable. */
export interface Request {
  readonly src: string;
  /** The envelope's `dest`: the node's name as this client addressed it. */
  readonly via: string;
  readonly msgId: number;
  readonly body: Record<string, unknown>;
}

/** Longest `src` and `dest`, as for every other name the node keeps. */
export const MAX_NAME = 256;

/** Why a line produced no reply: one short sentence for stderr. */
export type Unusable = { readonly problem: string };

/**
 * Parses one line into a request, or says why it cannot be answered. Only what is needed
 * to address a reply is checked here; the body's own shape is the schemas' job.
 */
export function parseEnvelope(line: string): Request | Unusable {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  if (!isObject(value)) return { problem: 'not a JSON object' };
  const { src, dest, body } = value;
  if (typeof src !== 'string') return { problem: 'envelope "src" must be a string' };
  if (typeof dest !== 'string') return { problem: 'envelope "dest" must be a string' };
  // Names are kept (by waiting requests, allocations, jobs): their length bounds that memory.
  if (src.length > MAX_NAME) return { problem: `envelope "src" is ${src.length} characters, more than ${MAX_NAME}` };
  if (dest.length > MAX_NAME) return { problem: `envelope "dest" is ${dest.length} characters, more than ${MAX_NAME}` };
  if (!isObject(body)) return { problem: 'envelope "body" must be an object' };
  const msgId = body.msg_id;
  if (msgId === undefined) return { problem: 'body has no "msg_id", so no reply can be addressed' };
  if (!Number.isSafeInteger(msgId)) {
    return { problem: typeof msgId === 'number' && Number.isInteger(msgId) ? `body "msg_id" must be a safe integer (from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER})` : 'body "msg_id" must be an integer' };
  }
  return { src, via: dest, msgId: msgId as number, body };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * True for a line that looks like one piece of a JSON object written over several lines
 * (a lone `{`, a `"key": value,` line, a closing `}`): the sign of pasted pretty-printed JSON.
 */
export function looksLikePartOfMultiLineJson(line: string): boolean {
  const t = line.trim();
  return /^[{[]$/.test(t) || /^[}\]],?$/.test(t) || /^"[^"]*"\s*:/.test(t) || (t.startsWith('{') && !t.endsWith('}'));
}
