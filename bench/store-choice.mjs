// Measures the two ways a batch of records can be made durable: an append-only file with
// fdatasync, and SQLite (better-sqlite3, WAL, synchronous=FULL, one transaction per batch).
// Usage: node bench/store-choice.mjs [dir]   (dir on the disk to measure; default a temp dir)
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'store-choice-'));
const record = JSON.stringify({ k: 'granted', id: '0190c3b2-7d4e-7a1b-9c2d-1e2f3a4b5c6d', src: 'c1', msg: 12345, types: ['cpu', 'memory'], units: [2000, 4000] });

function file(batch, seconds) {
  const path = join(dir, `journal-${batch}`);
  const fd = openSync(path, 'a');
  const buf = Buffer.from(Array.from({ length: batch }, () => record).join('\n') + '\n');
  let commits = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    writeSync(fd, buf);
    fdatasyncSync(fd);
    commits++;
  }
  closeSync(fd);
  return commits / seconds;
}

async function sqlite(batch, seconds) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, `db-${batch}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE log (n INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO log (data) VALUES (?)');
  const tx = db.transaction((n) => {
    for (let i = 0; i < n; i++) insert.run(record);
  });
  let commits = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    tx(batch);
    commits++;
  }
  db.close();
  return commits / seconds;
}

for (const batch of [1, 100]) {
  const f = file(batch, 2);
  console.log(`file+fdatasync batch ${batch}: ${f.toFixed(0)} commits/s, ${(f * batch).toFixed(0)} records/s`);
  try {
    const s = await sqlite(batch, 2);
    console.log(`sqlite WAL FULL  batch ${batch}: ${s.toFixed(0)} commits/s, ${(s * batch).toFixed(0)} records/s`);
  } catch (e) {
    console.log(`sqlite: not measured (${e.message})`);
  }
}
rmSync(dir, { recursive: true, force: true });
