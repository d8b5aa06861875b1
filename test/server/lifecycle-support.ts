import Ajv from 'ajv';
import { expect } from 'vitest';
import type { NodeConfig } from '../../src/server/config.js';
import { ResourceNode } from '../../src/server/node.js';
// @ts-expect-error: a plain ES module shared with the build, without type declarations
import { ajvOptions, loadSchemas } from '../../scripts/schemas.mjs';

/** One message the node wrote. */
export interface Out {
  src: string;
  dest: string;
  body: Record<string, unknown>;
}

// The shared options keep one deprecated setting; its notice is noise here.
const ajv = new Ajv({ ...ajvOptions, logger: { log: () => {}, warn: () => {}, error: console.error } });
const replySchemas = new Map<string, ReturnType<typeof ajv.compile>>();
for (const { kind, id, schema } of loadSchemas() as { kind: string; id: string; schema: object }[]) {
  if (kind === 'replies') replySchemas.set(id, ajv.compile(schema));
}

/** Every outgoing body must match the reply schema named by its type. */
export function checkReplySchema(m: Out): void {
  const type = String(m.body.type);
  const validate = replySchemas.get(type);
  if (validate === undefined) throw new Error(`no reply schema for ${type}`);
  if (!validate(m.body)) throw new Error(`${type} breaks its schema: ${JSON.stringify(validate.errors)} in ${JSON.stringify(m.body)}`);
}

/** A node driven in-process; every line it writes is parsed and schema-checked. */
export class Driver {
  readonly node: ResourceNode;
  private msgId = 0;

  constructor(config: Partial<NodeConfig> = {}, clock?: () => number) {
    this.node = new ResourceNode({ deterministic: true, ...config }, clock === undefined ? {} : { clock, newId: counter() });
  }

  /** Sends a body from `src` (msg_id added unless given); returns what the node wrote. */
  send(src: string, body: Record<string, unknown>): Out[] {
    const full = 'msg_id' in body ? body : { ...body, msg_id: ++this.msgId };
    return this.raw(JSON.stringify({ src, dest: 'n1', body: full }));
  }

  raw(line: string): Out[] {
    const out = this.node.handle(line).map((l) => JSON.parse(l) as Out);
    for (const m of out) checkReplySchema(m);
    return out;
  }

  /** Sends and expects exactly one reply; returns its body. */
  one(src: string, body: Record<string, unknown>): Record<string, unknown> {
    const out = this.send(src, body);
    expect(out).toHaveLength(1);
    return out[0]!.body;
  }

  /** Sends and expects one error reply with `code`; returns its text. */
  error(src: string, body: Record<string, unknown>, code: number): string {
    const b = this.one(src, body);
    expect(b.type).toBe('error');
    expect(b.code).toBe(code);
    return String(b.text);
  }
}

function counter(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

/** `requirements` from a compact `{type: amount}`. */
export function req(r: Record<string, number>): { type: string; amount: number }[] {
  return Object.entries(r).map(([type, amount]) => ({ type, amount }));
}
