import { readFileSync } from 'node:fs';
import type { Gate } from '../server/node.js';

/** A --token-file that cannot serve: the program says why and exits 2. */
export class TokenFileError extends Error {}

/** The shared secret, ready to check what clients present (a connection's `auth`, an HTTP bearer token). */
export interface Token {
  /** True when `presented` is the secret; the time taken does not depend on where they differ, nor on the secret's length. */
  matches(presented: string): boolean;
  /** A closed gate for one stream, opened by the first `auth` with the secret. */
  gate(): Gate;
}

/**
 * The secret of --token-file, read once, at start: the file's text without the whitespace
 * around it (an editor's final newline is not part of the secret). Throws TokenFileError.
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenFileError(`--token-file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const secret = text.trim();
  if (secret === '') throw new TokenFileError(`--token-file ${path}: the file is empty; put the shared secret in it`);
  return secret;
}

/** Reads --token-file (see readTokenFile) and makes its Token. */
export async function loadToken(path: string): Promise<Token> {
  return tokenOf(readTokenFile(path));
}

/** The Token of `secret`. Hashing is loaded only here, so a node without a token never loads it. */
export async function tokenOf(secret: string): Promise<Token> {
  const { createHash, timingSafeEqual } = await import('node:crypto');
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  const expected = digest(secret);
  // Digests have one length whatever the inputs, so timingSafeEqual always compares.
  const matches = (presented: string): boolean => timingSafeEqual(expected, digest(presented));
  return {
    matches,
    gate(): Gate {
      const gate = {
        open: false,
        admit(token: string): boolean {
          gate.open = matches(token);
          return gate.open;
        },
      };
      return gate;
    },
  };
}
