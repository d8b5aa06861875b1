import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Gate } from '../server/node.js';

/** A --token-file that cannot serve: the program says why and exits 2. */
export class TokenFileError extends Error {}

/**
 * The shared secret of --token-file, read once at start: the file's text without the
 * whitespace around it (an editor's final newline is not part of the secret).
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenFileError(`--token-file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const token = text.trim();
  if (token === '') throw new TokenFileError(`--token-file ${path}: the file is empty; put the shared secret in it`);
  return token;
}

/** True when `presented` is the secret; the time taken does not depend on where they differ, nor on the secret's length. */
export function tokenMatches(secret: string, presented: string): boolean {
  // Digests have one length whatever the inputs, so timingSafeEqual always compares.
  return timingSafeEqual(digest(secret), digest(presented));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A closed gate for one stream: opened by the first `auth` with the secret. */
export function tokenGate(secret: string): Gate {
  const gate = {
    open: false,
    admit(token: string): boolean {
      gate.open = tokenMatches(secret, token);
      return gate.open;
    },
  };
  return gate;
}
