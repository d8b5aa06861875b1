import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import { ResourceNode } from '../../src/server/node.js';
import type { NodeConfig } from '../../src/server/config.js';
// @ts-expect-error: a plain .mjs module shared with the build
import { ajvOptions, loadSchemas } from '../../scripts/schemas.mjs';

interface Schema {
  kind: 'requests' | 'replies';
  id: string;
  schema: object;
}

const replySchemas = (loadSchemas() as Schema[]).filter((s) => s.kind === 'replies');

/** Reply validators, compiled once with the build's ajv options. */
const replyValidators: Map<string, ValidateFunction> = (() => {
  const ajv = new Ajv({ ...ajvOptions, logger: false });
  return new Map(replySchemas.map((s) => [s.id, ajv.compile(s.schema)]));
})();

/** Wire key order of each reply: the order of its schema's properties. */
const keyOrders = new Map(replySchemas.map((s) => [s.id, Object.keys((s.schema as { properties: object }).properties)]));

export interface Envelope {
  src: string;
  dest: string;
  body: Record<string, unknown> & { type: string };
}

/** Checks a reply body against schemas/replies/<type>.json; every reply type must have one. */
export function expectValidReply(body: Envelope['body']): void {
  const validate = replyValidators.get(body.type);
  expect(validate, `no schema for reply type ${body.type}`).toBeDefined();
  const ok = validate!(body);
  expect(ok, `${JSON.stringify(body)} breaks schemas/replies/${body.type}.json: ${JSON.stringify(validate!.errors)}`).toBe(true);
  expect(body).not.toHaveProperty('msg_id');
  // Keys come in the schema's order (the protocol's order), whichever optional ones are present.
  const order = keyOrders.get(body.type)!;
  expect(Object.keys(body)).toEqual(order.filter((k) => Object.hasOwn(body, k)));
}

/** An in-process node in --deterministic mode whose every output line is parsed and schema-checked. */
export class TestNode {
  readonly node: ResourceNode;
  readonly log: string[] = [];

  constructor(config: Partial<NodeConfig> = {}) {
    this.node = new ResourceNode({ deterministic: true, ...config }, { log: (line) => this.log.push(line) });
  }

  /** Sends one raw line; returns the exact lines written, each checked to be a valid envelope and reply. */
  line(text: string): string[] {
    const out = this.node.handle(text);
    for (const l of out) {
      const m = JSON.parse(l) as Envelope;
      expect(Object.keys(m)).toEqual(['src', 'dest', 'body']);
      expect(l).toBe(JSON.stringify(m));
      expectValidReply(m.body);
    }
    return out;
  }

  /** Sends a body from `src` to `dest`; returns the exact lines written. */
  send(src: string, body: Record<string, unknown>, dest = 'n1'): string[] {
    return this.line(JSON.stringify({ src, dest, body }));
  }

  /** Like `send`, parsed. */
  call(src: string, body: Record<string, unknown>, dest = 'n1'): Envelope[] {
    return this.send(src, body, dest).map((l) => JSON.parse(l) as Envelope);
  }

  /** Sends a body that must get exactly one reply; returns the reply body. */
  one(src: string, body: Record<string, unknown>, dest = 'n1'): Envelope['body'] {
    const out = this.call(src, body, dest);
    expect(out).toHaveLength(1);
    return out[0]!.body;
  }
}

/** An allocate body. */
export function allocate(msgId: number, requirements: Record<string, number>): Record<string, unknown> {
  return { type: 'allocate', msg_id: msgId, requirements: Object.entries(requirements).map(([type, amount]) => ({ type, amount })) };
}

/** A release body. */
export function release(msgId: number, allocationId: string, jobStatus?: string): Record<string, unknown> {
  return jobStatus === undefined ? { type: 'release', msg_id: msgId, allocation_id: allocationId } : { type: 'release', msg_id: msgId, allocation_id: allocationId, job_status: jobStatus };
}
