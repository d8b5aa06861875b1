import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

/** The shared secret in `file`: its text without surrounding white space (a trailing newline is usual). Throws when unreadable or empty. */
export function readToken(file: string): string {
  const token = readFileSync(file, 'utf8').trim();
  if (token === '') throw new Error(`the token file ${JSON.stringify(file)} is empty`);
  return token;
}

/** Whether `given` is the token, in time that does not depend on where they differ. */
export function tokenMatches(token: string, given: string): boolean {
  const a = Buffer.from(token);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
