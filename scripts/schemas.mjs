// Reads the message schemas: the single source of truth for every body shape.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../schemas/', import.meta.url).pathname;

/** @returns {{kind: 'requests'|'replies', id: string, schema: any}[]} */
export function loadSchemas() {
  const out = [];
  for (const kind of ['requests', 'replies']) {
    for (const file of readdirSync(join(root, kind)).filter((f) => f.endsWith('.json')).sort()) {
      const schema = JSON.parse(readFileSync(join(root, kind, file), 'utf8'));
      if (schema.$id !== file.replace(/\.json$/, '')) throw new Error(`schemas/${kind}/${file}: $id must be the file name`);
      out.push({ kind, id: schema.$id, schema });
    }
  }
  return out;
}

/** Ajv options shared by the build and the tests, so both validate alike. */
// unicode: false measures strings in UTF-16 units, so the generated code needs no runtime helper.
export const ajvOptions = { strict: true, allErrors: false, multipleOfPrecision: 9, unicode: false };
