import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../core/store.js';
import { RecordingStore } from './recording-store.js';
import { STATE_VERSION, emptyState, fold, stateFromJson, stateToJson, type State, type StateRecord } from '../core/snapshot.js';

/** The database file in a state directory (docs/durability.md#the-format). */
export const STATE_FILE = 'state.sqlite';
/** What the `format` row of `meta` says, so a file of another program is not read as ours. */
export const FORMAT = 'resource-node-state';
/** Records folded since the last snapshot before a new one is written: at least this many, and at least the state's size. */
const COMPACT_AFTER = 20_000;

/** Why a state directory cannot be used; the program exits 2 with its message. */
export class StateDirError extends Error {}

interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Database {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(source: string): void;
  prepare(source: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type DatabaseClass = new (path: string, options?: { timeout?: number }) => Database;

/** better-sqlite3, loaded only when --state-dir is given: a native module the default node never loads. */
async function loadSqlite(): Promise<DatabaseClass> {
  try {
    // By a name in a variable: the package is optional and has no types here (Database above is what is used).
    const name = 'better-sqlite3';
    const mod = (await import(name)) as { default: DatabaseClass };
    return mod.default;
  } catch (e) {
    throw new StateDirError(
      `--state-dir needs the optional package better-sqlite3, which could not be loaded (${(e as Error).message.split('\n')[0]}); ` +
        'install it with `npm install better-sqlite3` (it builds from source when no prebuilt binary fits: python3, make and a C++ compiler)',
    );
  }
}

/**
 * A node's state in a directory, in SQLite (WAL, synchronous=FULL): the latest snapshot and
 * the batches recorded since. Events are recorded as they happen and committed in one
 * transaction by `commit`, which every transport calls before it writes a batch of lines. The
 * file is opened in exclusive locking mode, so a second node on the directory is refused.
 */
export class StateDir extends RecordingStore implements Store {
  private sinceSnapshot: number;
  private readonly insert: Statement;
  private readonly writeBatch: (data: string) => void;
  private readonly writeSnapshot: (data: string) => void;

  private constructor(
    private readonly db: Database,
    restored: State | undefined,
    sinceSnapshot: number,
    private readonly remember: number,
  ) {
    super(restored);
    this.sinceSnapshot = sinceSnapshot;
    this.insert = db.prepare('INSERT INTO log (data) VALUES (?)');
    this.writeBatch = db.transaction((data: string) => {
      this.insert.run(data);
    });
    const putSnapshot = db.prepare('INSERT OR REPLACE INTO snapshot (id, data) VALUES (1, ?)');
    const clearLog = db.prepare('DELETE FROM log');
    this.writeSnapshot = db.transaction((data: string) => {
      putSnapshot.run(data);
      clearLog.run();
    });
  }

  /** Opens (making it if new) the state directory `dir`, reading and checking what it holds. */
  static async open(dir: string, remember: number): Promise<StateDir> {
    const Sqlite = await loadSqlite();
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StateDirError(`--state-dir ${dir}: cannot make the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const path = join(dir, STATE_FILE);
    let db: Database;
    try {
      db = new Sqlite(path, { timeout: 0 });
      // Exclusive before the first access: the lock is taken by the first transaction and held until exit.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (e) {
      const m = (e as Error).message;
      if (/locked|busy/i.test(m)) throw new StateDirError(`--state-dir ${dir}: another node is using it (${path} is locked); one node per directory`);
      throw new StateDirError(`--state-dir ${dir}: cannot open ${path}: ${m}`);
    }
    try {
      return StateDir.read(db, path, remember);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private static read(db: Database, path: string, remember: number): StateDir {
    const damaged = (what: string): StateDirError => new StateDirError(`${path}: ${what}; the node does not start on damaged state (docs/durability.md#damage)`);
    let check: unknown;
    try {
      check = db.pragma('quick_check', { simple: true });
    } catch (e) {
      throw damaged(`the database is damaged (${(e as Error).message})`);
    }
    if (check !== 'ok') throw damaged(`the database is damaged (quick_check: ${String(check)})`);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    if (tables.length === 0) {
      db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL);
        CREATE TABLE log (n INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);`);
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('format', FORMAT, 'version', String(STATE_VERSION));
      return new StateDir(db, undefined, 0, remember);
    }
    const meta = new Map<string, string>();
    try {
      for (const row of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]) meta.set(row.key, row.value);
    } catch (e) {
      throw damaged(`table meta cannot be read (${(e as Error).message})`);
    }
    if (meta.get('format') !== FORMAT) throw new StateDirError(`${path} is not a resource-node state file (meta format is ${JSON.stringify(meta.get('format'))})`);
    if (meta.get('version') !== String(STATE_VERSION)) throw new StateDirError(`${path} has format version ${meta.get('version')}; this node reads version ${STATE_VERSION}`);
    let state: State | undefined;
    const snap = db.prepare('SELECT data FROM snapshot WHERE id = 1').get() as { data: string } | undefined;
    if (snap !== undefined) {
      try {
        state = stateFromJson(JSON.parse(snap.data));
      } catch (e) {
        throw damaged(`the snapshot is damaged (${(e as Error).message})`);
      }
    }
    let folded = 0;
    for (const row of db.prepare('SELECT n, data FROM log ORDER BY n').all() as { n: number; data: string }[]) {
      let records: StateRecord[];
      try {
        records = JSON.parse(row.data) as StateRecord[];
        if (!Array.isArray(records)) throw new Error('not a list of records');
      } catch (e) {
        throw damaged(`log batch ${row.n} is damaged (${(e as Error).message})`);
      }
      if (state === undefined) {
        const first = records[0];
        if (first?.k !== 'capacity') throw damaged(`log batch ${row.n} comes first but does not give the capacity`);
        state = emptyState([]);
      }
      for (const r of records) {
        try {
          fold(state, r, remember);
        } catch (e) {
          throw damaged(`log batch ${row.n} does not follow from the state before it (${(e as Error).message})`);
        }
        folded++;
      }
    }
    return new StateDir(db, state, folded, remember);
  }


  /** Makes every record since the last commit durable, in one transaction; a snapshot replaces the log now and then. */
  commit(): void {
    if (this.pending.length === 0) return;
    this.writeBatch(JSON.stringify(this.pending));
    const state = this.state!;
    for (const r of this.pending) fold(state, r, this.remember);
    this.sinceSnapshot += this.pending.length;
    this.pending.length = 0;
    if (this.sinceSnapshot >= Math.max(COMPACT_AFTER, state.holdings.size + state.waiting.size)) this.compact();
  }

  /** Writes the state as one snapshot and empties the log, in one transaction. */
  compact(): void {
    this.writeSnapshot(JSON.stringify(stateToJson(this.state!)));
    this.sinceSnapshot = 0;
  }

  close(): void {
    this.db.close();
  }
}
