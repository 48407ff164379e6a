// What one message row costs SQLite to insert, by body size, with the broker's own schema, in memory
// and in a WAL file: the floor under the broker's ingest figures, since every sent message is a row.
// Rows go in as a batched send writes them (10-row INSERTs), with a COMMIT per 200 rows (the broker
// commits once per event-loop turn); medians of 5 slices of 20,000 rows each, after a warm-up slice.
//
//   node --conditions=source --import tsx bench/broker/sqlite-rows.ts
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../packages/broker/src/store/database.js';

const SIZES = [100, 500, 1024, 3000];
const SLICE = 20_000;
const SLICES = 5;
const COLUMNS = ['queue_id', 'message_id', 'body', 'md5_body', 'sent_at', 'visible_at', 'sender_id'];

/** Median µs per row of `SLICES` slices, inserting `bytes`-long bodies. */
function measure(inMemory: boolean, bytes: number): number {
  const dataDir = mkdtempSync(join(tmpdir(), 'mega-rows-'));
  const db = openDatabase({ inMemory, dataDir });
  // The broker checkpoints the WAL from a worker thread, off the event loop (store/checkpointer.ts).
  if (!inMemory) db.pragma('wal_autocheckpoint = 0');
  try {
    const rows = Array.from({ length: 10 }, () => `(${COLUMNS.map(() => '?').join(', ')})`).join(', ');
    const insert = db.prepare(`INSERT INTO messages (${COLUMNS.join(', ')}) VALUES ${rows}`);
    const body = 'x'.repeat(bytes);
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    let now = Date.now();
    const slice = (): number => {
      const start = process.hrtime.bigint();
      db.exec('BEGIN');
      for (let i = 0; i < SLICE / 10; i++) {
        now++;
        const values: unknown[] = [];
        for (let r = 0; r < 10; r++) values.push(1, randomUUID(), body, md5, now, now, '000000000000');
        insert.run(values);
        if (i % 20 === 19) db.exec('COMMIT; BEGIN');
      }
      db.exec('COMMIT');
      return Number(process.hrtime.bigint() - start) / SLICE / 1000;
    };
    slice();
    const times = Array.from({ length: SLICES }, slice).sort((a, b) => a - b);
    return times[Math.floor(SLICES / 2)] as number;
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log('µs per message row (median of 5 slices of 20,000 rows), the broker schema, 10-row INSERTs\n');
console.log(`${'body bytes'.padStart(10)}${'in memory'.padStart(12)}${'WAL file'.padStart(12)}`);
for (const bytes of SIZES) {
  const memory = measure(true, bytes);
  const file = measure(false, bytes);
  console.log(
    `${String(bytes).padStart(10)}${memory.toFixed(2).padStart(12)}${file.toFixed(2).padStart(12)}`,
  );
}
