import { emptyState, fold, stateFromJson, stateToJson, STATE_VERSION, type State, type StateRecord } from '../core/snapshot.js';
import type { DurableStore } from '../server/node.js';
import type { Fence } from './etcd.js';
import { RecordingStore } from './recording-store.js';

/** A key's value is kept well below etcd's request limit (1.5 MiB by default). */
const CHUNK_CHARS = 512 * 1024;
/** Batches read per request when a leader reads the log. */
const LOG_PAGE = 64;
/** Log written since the last snapshot before a new one replaces it, in characters. */
const COMPACT_AFTER_CHARS = 1024 * 1024;

/** What the snapshot key holds: where the chunks of the state are, and the last batch folded into it. */
interface SnapshotHead {
  readonly version: number;
  readonly seq: number;
  readonly generation: number;
  readonly chunks: number;
}

/** The leader lost its election key: its writes are refused, and it must stop serving. */
export class FencedOut extends Error {}

const pad = (n: number): string => String(n).padStart(16, '0');

/**
 * The cluster's ledger in etcd (docs/cluster.md#what-etcd-holds): a snapshot and the batches
 * committed since, in the same records and fold as --state-dir. Each batch is one transaction that
 * succeeds only while this node's election key is the one it won with (fencing).
 */
export class EtcdStore extends RecordingStore implements DurableStore {
  private logChars = 0;
  /** The size of the last snapshot: a large state is not rewritten for every MiB of log. */
  private snapshotChars = 0;

  private constructor(
    private readonly fence: Fence,
    private readonly prefix: string,
    /** The state read when this leader was elected, undefined for a new cluster. */
    restored: State | undefined,
    private seq: number,
    private generation: number,
    private readonly remember: number,
    /** Log written since the last snapshot before a new one replaces it, in characters (at least). */
    private readonly compactAfterChars: number,
  ) {
    super(restored);
  }

  /** Reads the cluster's state (snapshot, then the batches after it) as the leader `fence` proves it is. */
  static async open(fence: Fence, prefix: string, remember: number, compactAfterChars = COMPACT_AFTER_CHARS): Promise<EtcdStore> {
    const { client } = fence;
    const head = await client.get(`${prefix}state/snapshot`).string();
    let state: State | undefined;
    let seq = 0;
    let generation = 0;
    let snapshotChars = 0;
    if (head !== null) {
      const h = JSON.parse(head) as SnapshotHead;
      if (h.version !== STATE_VERSION) throw new Error(`${prefix}state/snapshot has format version ${h.version}; this node reads version ${STATE_VERSION}`);
      let text = '';
      for (let i = 0; i < h.chunks; i++) {
        const chunk = await client.get(`${prefix}state/chunks/${h.generation}/${pad(i)}`).string();
        if (chunk === null) throw new Error(`${prefix}state: chunk ${i} of snapshot ${h.generation} is missing`);
        text += chunk;
      }
      state = stateFromJson(JSON.parse(text));
      snapshotChars = text.length;
      seq = h.seq;
      generation = h.generation;
    }
    const { Range } = await import('etcd3');
    const logPrefix = `${prefix}state/log/`;
    let logChars = 0;
    // In pages: one reply stays far below gRPC's message limit whatever the log holds.
    for (let from = `${logPrefix}${pad(seq + 1)}`; ; ) {
      const page = await client.getAll().inRange(new Range(from, `${logPrefix}~`)).sort('Key', 'Ascend').limit(LOG_PAGE).strings();
      const entries = Object.entries(page).sort(([a], [b]) => (a < b ? -1 : 1));
      for (const [key, value] of entries) {
        const n = Number(key.slice(logPrefix.length));
        if (n !== seq + 1) throw new Error(`${logPrefix}: batch ${n} follows batch ${seq}; the batches between are missing`);
        const records = JSON.parse(value) as StateRecord[];
        if (state === undefined) {
          if (records[0]?.k !== 'capacity') throw new Error(`${logPrefix}: batch ${n} comes first but does not give the capacity`);
          state = emptyState([]);
        }
        for (const r of records) fold(state, r, remember);
        seq = n;
        logChars += value.length;
      }
      if (entries.length < LOG_PAGE) break;
      from = `${logPrefix}${pad(seq + 1)}`;
    }
    const store = new EtcdStore(fence, prefix, state, seq, generation, remember, compactAfterChars);
    // The log a new leader found counts towards its next snapshot: short terms must not let it grow.
    store.logChars = logChars;
    store.snapshotChars = snapshotChars;
    return store;
  }


  /** Commits what was recorded since the last commit as the next batch, fenced; nothing to do: undefined. */
  commit(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    const records = this.pending;
    this.pending = [];
    return this.commitBatch(records);
  }

  private async commitBatch(records: StateRecord[]): Promise<void> {
    const { client } = this.fence;
    const text = JSON.stringify(records);
    const seq = this.seq + 1;
    await this.fenced([client.put(`${this.prefix}state/log/${pad(seq)}`).value(text)]);
    this.seq = seq;
    const state = this.state!;
    for (const r of records) fold(state, r, this.remember);
    this.logChars += text.length;
    if (this.logChars >= Math.max(this.compactAfterChars, this.snapshotChars)) await this.compact();
  }

  /** Writes the state as a new snapshot, in chunks, then points the snapshot key at it and drops the log it covers. */
  private async compact(): Promise<void> {
    const { client } = this.fence;
    const { Range } = await import('etcd3');
    const text = JSON.stringify(stateToJson(this.state!));
    const generation = this.generation + 1;
    let chunks = 0;
    for (let at = 0; at < text.length || chunks === 0; at += CHUNK_CHARS) {
      await this.fenced([client.put(`${this.prefix}state/chunks/${generation}/${pad(chunks)}`).value(text.slice(at, at + CHUNK_CHARS))]);
      chunks++;
    }
    const head: SnapshotHead = { version: STATE_VERSION, seq: this.seq, generation, chunks };
    await this.fenced([
      client.put(`${this.prefix}state/snapshot`).value(JSON.stringify(head)),
      client.delete().range(new Range(`${this.prefix}state/log/`, `${this.prefix}state/log/${pad(this.seq + 1)}`)),
      client.delete().prefix(`${this.prefix}state/chunks/${this.generation}/`),
    ]);
    this.generation = generation;
    this.logChars = 0;
    this.snapshotChars = text.length;
  }

  /** Runs `ops` in one transaction that succeeds only while this leader's election key is the one it won with. */
  private async fenced(ops: Parameters<ReturnType<Fence['client']['if']>['then']>): Promise<void> {
    const { client, key, createRevision } = this.fence;
    const result = await client.if(key, 'Create', '==', createRevision).then(...ops).commit();
    if (!result.succeeded) throw new FencedOut('this node is no longer the leader (its election key is gone or replaced)');
  }
}
