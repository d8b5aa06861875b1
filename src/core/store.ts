import type { CoreEvent } from './events.js';

/**
 * Where the core records each change of state as it happens, in order: the seam for a
 * journal, metrics or a replicated store. Without one the core records nothing and pays
 * nothing; its state lives in its own memory.
 */
export interface Store {
  record(event: CoreEvent): void;
}

/** A store that keeps every event in memory, in order: for tests and tools. */
export class MemoryStore implements Store {
  readonly events: CoreEvent[] = [];

  record(event: CoreEvent): void {
    this.events.push(event);
  }
}

/** One store that records into each given one, the first first (a journal before metrics); undefined for none. */
export function bothStores(first: Store | undefined, second: Store | undefined): Store | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return { record: (e) => (first.record(e), second.record(e)) };
}
