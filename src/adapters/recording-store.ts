import type { CoreEvent } from '../core/events.js';
import type { ResourceManager } from '../core/manager.js';
import { emptyState, toRecord, type State, type StateRecord } from '../core/snapshot.js';

/**
 * What the durable stores (--state-dir, the cluster's etcd) share: each event becomes a record,
 * pending until the store's next commit folds it into `state`.
 */
export abstract class RecordingStore {
  protected pending: StateRecord[] = [];
  protected state: State | undefined;
  private names: ((t: number) => string) | undefined;

  constructor(
    /** The state read at open, undefined for a new store. */
    readonly restored: State | undefined,
  ) {
    this.state = restored;
  }

  /** The manager whose events are recorded: its type names, and, for a new store, its first capacity. */
  attach(manager: ResourceManager): void {
    const types = manager.types;
    this.names = (t) => types.name(t);
    if (this.state === undefined) {
      const capacity = types.list().map((name, t): [string, number] => [name, manager.capacityOf(t)]);
      this.state = emptyState([]);
      this.pending.push({ k: 'capacity', c: capacity });
    }
  }

  record(event: CoreEvent): void {
    const r = toRecord(event, this.names!);
    if (r !== undefined) this.pending.push(r);
  }
}
