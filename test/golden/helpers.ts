import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/golden/node-process.js';

/** The project root, from this file's place in it. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A shell command that runs a JavaScript file with the current Node. */
export function nodeCommand(script: string): string {
  return `${shellQuote(process.execPath)} ${shellQuote(script)}`;
}

/** The built resource-node, as bin/golden runs it by default. */
export const ourNode = nodeCommand(`${root}bin/resource-node`);

/** The deliberately broken node that never grants a waiting request later. */
export const noDrainNode = nodeCommand(`${root}test/golden/no-drain-node.mjs`);

/** The bin/golden program. */
export const golden = `${root}bin/golden`;

/** resource-node with its replies passed through test/golden/reply-filter.mjs in the given mode. */
export function filteredNode(mode: 'msg-id' | 'extra-key' | 'src-null', args = ''): string {
  return `${ourNode}${args === '' ? '' : ` ${args}`} | ${nodeCommand(`${root}test/golden/reply-filter.mjs`)} ${mode}`;
}
